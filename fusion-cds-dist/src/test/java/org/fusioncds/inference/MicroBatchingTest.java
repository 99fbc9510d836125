package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.InferenceResult;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The micro-batcher ({@code inference.batch.*}) on real ONNX Runtime sessions: the committed demo
 * model (exported with a dynamic batch axis) and the tests' tiny graphs (fixed batch of 1). Each
 * batched answer is compared with the same inputs run alone.
 */
class MicroBatchingTest {

  private static final Path DEMO = Path.of("models");
  private static final String ID = "cap-fusion";

  @TempDir static Path fixedBatchModels;

  @BeforeAll
  static void makeModels() throws Exception {
    TestModels.create(fixedBatchModels);
  }

  private static ModelRegistry open(Path models, Batching batching) {
    return ModelRegistry.open(models, ID, new InferenceSettings("cpu", 1, 1, batching));
  }

  /** Distinct seeded inputs of the card's shapes (the image present in odd seeds only). */
  static ModelInputs inputs(long seed) {
    Random r = new Random(seed);
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("image", tensor("image", r, 1, 1, 128, 128));
    t.put("tabular", tensor("tabular", r, 1, 12));
    float[] mask = new float[12];
    for (int i = 0; i < 12; i++) {
      mask[i] = r.nextBoolean() ? 1f : 0f;
    }
    t.put("tabular_mask", new Tensor("tabular_mask", new long[] {1, 12}, mask));
    t.put(
        "image_present",
        new Tensor("image_present", new long[] {1, 1}, new float[] {seed % 2 == 1 ? 1f : 0f}));
    return new ModelInputs(ID, "0.1.0", t, List.of(), List.of(), Instant.EPOCH, 0);
  }

  /** {@code count} distinct inputs, of seeds {@code firstSeed} on. */
  static List<ModelInputs> inputs(int count, long firstSeed) {
    List<ModelInputs> in = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      in.add(inputs(firstSeed + i));
    }
    return in;
  }

  private static Tensor tensor(String name, Random r, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (0.5 + 0.25 * r.nextGaussian());
    }
    return new Tensor(name, shape, v);
  }

  private static double p(InferenceResult r) {
    return r.output("probability").probability();
  }

  /** The probabilities of the inputs, each run alone (batching off). */
  private static List<Double> alone(Path models, List<ModelInputs> in, String graph) {
    try (ModelRegistry one = open(models, Batching.OFF)) {
      return in.stream().map(i -> p(one.run(i, graph))).toList();
    }
  }

  private static BatchStats stats(ModelRegistry r, String graph) {
    return r.batchStats().stream().filter(s -> s.graph().equals(graph)).findFirst().orElseThrow();
  }

  @Test
  void thirtyTwoConcurrentCallersEachGetTheirOwnAnswerFromFewerRuns() throws Exception {
    List<ModelInputs> in = inputs(32, 100);
    List<Double> expected = alone(DEMO, in, "fused");

    ExecutorService callers = Executors.newFixedThreadPool(32);
    try (ModelRegistry r = open(DEMO, Batching.DEFAULT)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Double>> answers = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        for (ModelInputs i : in) {
          answers.add(
              callers.submit(
                  () -> {
                    start.await();
                    return p(r.run(i, "fused"));
                  }));
        }
      }
      start.countDown();
      for (int k = 0; k < answers.size(); k++) {
        assertEquals(expected.get(k % 32), answers.get(k).get(), 1e-6, "caller " + k);
      }
      BatchStats s = stats(r, "fused");
      assertEquals(160, s.samples());
      assertTrue(s.batches() < s.samples(), "batches " + s.batches() + " for 160 samples");
      assertEquals(0, s.waiting());
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void whileOneInstanceIsHeldUpTheOtherStillAnswers() throws Exception {
    double expected = alone(DEMO, List.of(inputs(12)), "fused").get(0);
    // each batch waits 300 ms for more, so the first answer's callback is attached before it is
    // answered and then runs on (and holds up) the instance that answered it
    try (ModelRegistry r = open(DEMO, new Batching(32, 300_000, 64, 2))) {
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> first =
          r.submit(inputs(11))
              .thenApply(
                  result -> {
                    String thread = Thread.currentThread().getName();
                    if (thread.startsWith("fcds-batch-")) {
                      holding.countDown();
                      awaitQuietly(release);
                    }
                    return thread;
                  });
      try {
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the first answer came on no instance");
        InferenceResult second = r.submit(inputs(12)).get(10, TimeUnit.SECONDS);
        assertEquals(expected, p(second), 1e-6);
      } finally {
        release.countDown();
      }
      assertTrue(first.get(10, TimeUnit.SECONDS).startsWith("fcds-batch-cap-fusion-fused-"));
      assertEquals(2, stats(r, "fused").batches());
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s");
      Thread.sleep(5);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void requestsArrivingWithinTheDelayRunAsOneBatchAndAnswerAsIfAlone() {
    List<ModelInputs> in = inputs(20, 7);
    List<Double> expected = alone(DEMO, in, "late");

    try (ModelRegistry r = open(DEMO, new Batching(32, 2_000_000 / 2, 64))) {
      List<CompletableFuture<InferenceResult>> f =
          in.stream().map(i -> r.submit(i, "late")).toList();
      for (int k = 0; k < f.size(); k++) {
        InferenceResult result = f.get(k).join();
        assertEquals(expected.get(k), p(result), 1e-6, "request " + k);
        assertEquals("late", result.graph());
      }
      for (String graph : List.of("image_only", "tabular_only")) {
        BatchStats s = stats(r, graph);
        assertEquals(20, s.samples(), graph);
        assertTrue(s.batches() <= 2, graph + ": " + s.batches() + " batches for 20 requests");
      }
      assertEquals(0, stats(r, "fused").samples());
    }
  }

  @Test
  void withTwoInstancesRequestsArrivingWithinTheDelayStillRunAsOneBatch() throws Exception {
    List<ModelInputs> in = inputs(20, 60);
    List<Double> expected = alone(DEMO, in, "fused");
    // the idle instance must not take the requests the forming batch waits for
    try (ModelRegistry r = open(DEMO, new Batching(32, 1_000_000, 64, 2))) {
      List<CompletableFuture<InferenceResult>> f = new ArrayList<>();
      f.add(r.submit(in.get(0), "fused"));
      await(() -> stats(r, "fused").waiting() == 0); // an instance took it and waits for more
      in.subList(1, in.size()).forEach(i -> f.add(r.submit(i, "fused")));
      for (int k = 0; k < f.size(); k++) {
        assertEquals(expected.get(k), p(f.get(k).join()), 1e-6, "request " + k);
      }
      assertEquals(1, stats(r, "fused").batches());
    }
  }

  @Test
  void aLoneRequestRunsAtOnceInABatchOfOne() {
    try (ModelRegistry r = open(DEMO, Batching.DEFAULT)) {
      double p = p(r.run(inputs(1)));
      assertEquals(alone(DEMO, List.of(inputs(1)), "fused").get(0), p, 1e-6);
      BatchStats s = stats(r, "fused");
      assertEquals(1, s.batches());
      assertEquals(1, s.samples());
    }
  }

  @Test
  void aLoneRequestWaitsNoLongerThanTheDelay() {
    try (ModelRegistry r = open(DEMO, new Batching(32, 300_000, 64))) {
      long t0 = System.nanoTime();
      r.run(inputs(3));
      double ms = (System.nanoTime() - t0) / 1e6;
      assertTrue(ms >= 299, "answered after " + ms + " ms, before the 300 ms delay");
      assertTrue(ms < 5_000, "answered after " + ms + " ms");
    }
  }

  @Test
  void aGraphWithoutABatchAxisRunsEachRequestAlone() {
    List<ModelInputs> in = inputs(6, 40);
    List<Double> expected = alone(fixedBatchModels, in, "fused");
    try (ModelRegistry r = open(fixedBatchModels, new Batching(32, 200_000, 64))) {
      List<CompletableFuture<InferenceResult>> f =
          in.stream().map(i -> r.submit(i, "fused")).toList();
      for (int k = 0; k < f.size(); k++) {
        assertEquals(expected.get(k), p(f.get(k).join()), 1e-6);
      }
      assertEquals(6, stats(r, "fused").batches());
    }
  }

  @Test
  void aFullQueueIsRefusedWith5304AndEveryQueuedRequestIsStillAnswered() {
    ModelInputs in = inputs(5);
    double expected = alone(DEMO, List.of(in), "fused").get(0);
    try (ModelRegistry r = open(DEMO, new Batching(1, 0, 2))) {
      List<CompletableFuture<InferenceResult>> accepted = new ArrayList<>();
      FcdsException refused = null;
      for (int i = 0; i < 500 && refused == null; i++) {
        try {
          accepted.add(r.submit(in));
        } catch (FcdsException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "500 requests queued behind a queue of 2");
      assertEquals(5304, refused.code());
      assertEquals(503, refused.errorCode().httpStatus());
      assertTrue(refused.getMessage().contains("cap-fusion/fused"), refused.getMessage());
      for (CompletableFuture<InferenceResult> f : accepted) {
        assertEquals(expected, p(f.join()), 1e-6);
      }
    }
  }

  @Test
  void closingTheModelRefusesWhatStillWaitsWith5302() {
    ModelRegistry r = open(DEMO, new Batching(32, 1_000_000, 64));
    CompletableFuture<InferenceResult> waiting = r.submit(inputs(9));
    r.close();
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, waiting::join);
    FcdsException cause = assertInstanceOf(FcdsException.class, e.getCause());
    assertEquals(5302, cause.code());
  }

  @Test
  void inputsThatDoNotFitTheCardAreRefusedBeforeTheyAreQueued() {
    try (ModelRegistry r = open(DEMO, Batching.DEFAULT)) {
      ModelInputs good = inputs(2);
      Map<String, Tensor> t = new LinkedHashMap<>(good.tensors());
      t.put("tabular", new Tensor("tabular", new long[] {2, 12}, new float[24]));
      ModelInputs twoRows = new ModelInputs(ID, "0.1.0", t, List.of(), List.of(), Instant.EPOCH, 0);
      FcdsException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              FcdsException.class, () -> r.submit(twoRows));
      assertEquals(5202, e.code());
      assertEquals(0, stats(r, "fused").samples());
      assertEquals(alone(DEMO, List.of(good), "fused").get(0), p(r.run(good)), 1e-6);
    }
  }
}
