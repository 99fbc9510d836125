package org.fusioncds.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.inference.BatchStats;
import org.fusioncds.inference.Batching;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;

/**
 * Part {@code inference} of {@code fusion-cds bench}: the card's default graph run by the service's
 * micro-batcher ({@code inference.batch.*} defaults, 2 intra-op threads as served) with N
 * concurrent callers of one sample each, beside raw ONNX Runtime on the same session: {@code
 * session.run} of batches of 1…64 samples (by default) fed the same tensors every run (made once,
 * on direct buffers), one thread, the best batch size taken as the floor. Samples are seeded values
 * of the card's input shapes (the graph's cost does not depend on them).
 */
final class InferenceBenchmark {

  /** The length of one round of a case, about. */
  private static final double ROUND_S = 0.5;

  private final BenchSettings settings;

  InferenceBenchmark(BenchSettings settings) {
    this.settings = settings;
  }

  void run() throws Exception {
    Batching d = Batching.DEFAULT;
    InferenceSettings served =
        new InferenceSettings(
            settings.device(),
            2,
            1,
            new Batching(settings.batchMaxSize(), d.maxDelayMicros(), d.maxQueue()));
    try (ModelRegistry registry = ModelRegistry.open(settings.models(), settings.model(), served)) {
      ModelCard card = registry.model(settings.model()).card();
      String graphName = card.fusion().defaultGraph();
      GraphSession graph = registry.model(settings.model()).graph(graphName);
      int most = settings.rawBatches().stream().mapToInt(Integer::intValue).max().orElse(1);
      List<ModelInputs> samples = samples(card, Math.max(most, settings.callers()));
      // many short rounds: a stretch of the machine slower than the rest (seconds long here, twice
      // as slow at times) hits every case alike, where three rounds of seconds each let one case
      // meet it and another not (raw batch 8 read 11,223, 3,121 and 5,782 samples/s in three runs)
      int rounds =
          settings.seconds() >= 1 ? Math.max(3, (int) Math.round(settings.seconds() / ROUND_S)) : 1;
      double slice = settings.seconds() / rounds;
      double warmUp = settings.seconds() / 3; // each case, before its first round
      Report.line(
          "%n(3) inference, %s/%s on %s: samples/s, median of %d rounds of %.2f s per case (%.1f s"
              + " in all; each round measures every case, so a noisy stretch of the machine hits"
              + " all alike)",
          card.id(), graphName, registry.device(), rounds, slice, settings.seconds());
      List<Integer> sizes = settings.rawBatches();
      int[] callerCounts = {1, settings.callers()};
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<Integer, List<Double>> meanBatch = new HashMap<>();
      for (int round = 0; round < rounds; round++) {
        for (int b : sizes) {
          rates
              .computeIfAbsent("raw " + b, k -> new ArrayList<>())
              .add(raw(graph, samples.subList(0, b), slice, round == 0 ? warmUp : 0));
        }
        for (int callers : callerCounts) {
          long batches0 = stats(registry, graphName).batches();
          long samples0 = stats(registry, graphName).samples();
          rates
              .computeIfAbsent("callers " + callers, k -> new ArrayList<>())
              .add(batched(registry, samples, callers, slice, round == 0 ? warmUp : 0));
          BatchStats s = stats(registry, graphName);
          meanBatch
              .computeIfAbsent(callers, k -> new ArrayList<>())
              .add((s.samples() - samples0) / (double) Math.max(1, s.batches() - batches0));
        }
      }
      Report.line(
          "  raw ONNX Runtime, one thread, session.run per batch (the same tensors every run, made"
              + " once on direct buffers):");
      double best = 0;
      int bestSize = 0;
      for (int b : sizes) {
        double rate = new Stats(rates.get("raw " + b)).median();
        Report.line("  %10s %5d %12.0f", "batch", b, rate);
        if (rate > best) {
          best = rate;
          bestSize = b;
        }
      }
      double rawOne = sizes.contains(1) ? new Stats(rates.get("raw 1")).median() : Double.NaN;
      Report.line(
          "  micro-batched through ModelRegistry.run (inference.batch.max-size %d, max-delay-us"
              + " %d):",
          settings.batchMaxSize(), d.maxDelayMicros());
      for (int callers : callerCounts) {
        double rate = new Stats(rates.get("callers " + callers)).median();
        double floor = callers == 1 ? rawOne : best;
        Report.line(
            "  %10s %5d %12.0f  mean batch %5.1f  ratio to raw %s %s",
            "callers",
            callers,
            rate,
            new Stats(meanBatch.get(callers)).median(),
            callers == 1 ? "batch 1:" : "best (batch " + bestSize + "):",
            Stats.ratio(rate / floor));
      }
      Report.line(
          "  target: %d callers >= 0.9 x raw ONNX Runtime at its best batch size",
          settings.callers());
    }
  }

  private static BatchStats stats(ModelRegistry registry, String graph) {
    return registry.batchStats().stream()
        .filter(s -> s.graph().equals(graph))
        .findFirst()
        .orElseThrow();
  }

  /** Seeded samples of the card's input shapes: values in [0, 1), masks and flags 1. */
  private static List<ModelInputs> samples(ModelCard card, int count) {
    Random r = new Random(20261203L);
    List<ModelInputs> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Tensor> t = new LinkedHashMap<>();
      for (ModelCard.InputTensor in : card.inputs()) {
        long[] shape = in.shape().stream().mapToLong(Long::longValue).toArray();
        float[] v = new float[Math.toIntExact(count(shape))];
        boolean flag = "mask".equals(in.kind());
        for (int k = 0; k < v.length; k++) {
          v[k] = flag ? 1f : r.nextFloat();
        }
        t.put(in.name(), new Tensor(in.name(), shape, v));
      }
      out.add(
          new ModelInputs(card.id(), card.version(), t, List.of(), List.of(), Instant.EPOCH, 0));
    }
    return out;
  }

  private static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Raw session.run of one batch made of these samples, on one thread, for {@code seconds} after a
   * warm-up of {@code warmUp} seconds (0: none). The tensors are made once, on direct buffers, and
   * every run feeds the same ones: the floor is {@code session.run} alone. (Tensors made from heap
   * arrays on every run had ONNX Runtime's Java binding copy each into a new direct buffer, up to
   * 13 MB a run at batch 64, and the JVM's direct-memory limit then called for full collections:
   * that floor read from 2,441 to 15,327 samples/s at the same batch size in two runs.)
   */
  private static double raw(
      GraphSession graph, List<ModelInputs> batch, double seconds, double warmUp)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      for (String name : graph.graph().inputs()) {
        Tensor first = batch.get(0).tensor(name);
        FloatBuffer all =
            ByteBuffer.allocateDirect(first.data().length * batch.size() * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (ModelInputs sample : batch) {
          all.put(sample.tensor(name).data());
        }
        all.flip();
        long[] shape = first.shape().clone();
        shape[0] = batch.size();
        feed.put(name, OnnxTensor.createTensor(env, all, shape));
      }
      if (warmUp > 0) {
        runFor(graph, feed, warmUp);
      }
      return runFor(graph, feed, seconds) * batch.size();
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** Runs per second of {@code session.run} on the same feed. */
  private static double runFor(GraphSession graph, Map<String, OnnxTensor> feed, double seconds)
      throws OrtException {
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    long runs = 0;
    long now;
    do {
      try (OrtSession.Result result = graph.session().run(feed)) {
        runs++;
      }
      now = System.nanoTime();
    } while (now < end);
    return runs / ((now - t0) / 1e9);
  }

  /** Samples per second of {@code callers} threads each running one sample at a time. */
  private static double batched(
      ModelRegistry registry, List<ModelInputs> samples, int callers, double seconds, double warmUp)
      throws Exception {
    if (warmUp > 0) {
      load(registry, samples, callers, warmUp);
    }
    return load(registry, samples, callers, seconds);
  }

  private static double load(
      ModelRegistry registry, List<ModelInputs> samples, int callers, double seconds)
      throws Exception {
    return TimedLoad.perSecond(
        callers,
        seconds,
        (caller, i) -> registry.run(samples.get((int) ((caller + i) % samples.size()))));
  }
}
