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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.Tensor;
import org.fusioncds.inference.BatchStats;
import org.fusioncds.inference.Batching;
import org.fusioncds.inference.HandOffProbe;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.model.ModelCard;

/**
 * Part {@code inference} of {@code fusion-cds bench}: the card's default graph run by the service's
 * micro-batcher ({@code inference.batch.*} defaults or the bench's options, {@code
 * inference.threads} intra-op threads as served) with N concurrent callers of one sample each,
 * beside raw ONNX Runtime: {@code session.run} of batches of 1…64 samples (by default) fed the same
 * tensors every run (made once, on direct buffers), in every way raw ONNX Runtime can use this
 * machine's cores that the service's settings suggest — one thread on the served session, as many
 * threads as the batcher has instances on it (each its own batch), and one thread on a session of
 * as many intra-op threads as there are cores. The best of them all is the floor. Then the same
 * number of requests kept in flight with no thread waiting on any, and its mean batch: the
 * difference is mostly what the callers' own threads cost. And the hand-off ceiling ({@link
 * StandIn}): the same batcher with the model replaced by a fixed computation, against that
 * computation with no batcher. Samples are seeded values of the card's input shapes (the graph's
 * cost does not depend on them).
 */
final class InferenceBenchmark {

  /** The length of one round of a case, about. */
  private static final double ROUND_S = 0.5;

  /**
   * A way of running raw ONNX Runtime: {@code threads} threads on one session, each its own batch.
   */
  private record Raw(String label, GraphSession graph, int threads) {

    /** At most this many samples in flight with batches of {@code b}. */
    int inFlight(int b) {
      return threads * b;
    }
  }

  /** One raw case's median rate. */
  private record Cell(Raw raw, int batch, double rate) {}

  private final BenchSettings settings;

  InferenceBenchmark(BenchSettings settings) {
    this.settings = settings;
  }

  void run() throws Exception {
    Batching d = Batching.DEFAULT;
    Batching batching =
        new Batching(
            settings.batchMaxSize(), d.maxDelayMicros(), d.maxQueue(), settings.batchInstances());
    int cores = Runtime.getRuntime().availableProcessors();
    InferenceSettings served =
        new InferenceSettings(settings.device(), settings.threads(), 1, batching);
    try (ModelRegistry registry = ModelRegistry.open(settings.models(), settings.model(), served);
        ModelRegistry wideRegistry = wide(registry, cores);
        StandIn standIn = new StandIn(batching)) {
      ModelCard card = registry.model(settings.model()).card();
      String graphName = card.fusion().defaultGraph();
      GraphSession graph = registry.model(settings.model()).graph(graphName);
      List<Raw> ways = new ArrayList<>();
      ways.add(new Raw(label(1, settings.threads()), graph, 1));
      if (batching.instances() > 1) {
        ways.add(
            new Raw(label(batching.instances(), settings.threads()), graph, batching.instances()));
      }
      if (wideRegistry != null) {
        ways.add(
            new Raw(label(1, cores), wideRegistry.model(settings.model()).graph(graphName), 1));
      }
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
      Map<String, List<Double>> meanBatch = new HashMap<>(); // by the rates' keys
      for (int round = 0; round < rounds; round++) {
        double w = round == 0 ? warmUp : 0;
        for (Raw way : ways) {
          for (int b : sizes) {
            rates
                .computeIfAbsent(way.label() + b, k -> new ArrayList<>())
                .add(raw(way, samples.subList(0, b), slice, w));
          }
        }
        for (int callers : callerCounts) {
          BatchStats before = stats(registry, graphName);
          rates
              .computeIfAbsent("callers " + callers, k -> new ArrayList<>())
              .add(batched(registry, samples, callers, slice, w));
          meanBatch
              .computeIfAbsent("callers " + callers, k -> new ArrayList<>())
              .add(meanBatch(before, stats(registry, graphName)));
        }
        if (w > 0) {
          inFlight(registry, samples, settings.callers(), w);
        }
        BatchStats before = stats(registry, graphName);
        rates
            .computeIfAbsent("in flight", k -> new ArrayList<>())
            .add(inFlight(registry, samples, settings.callers(), slice));
        meanBatch
            .computeIfAbsent("in flight", k -> new ArrayList<>())
            .add(meanBatch(before, stats(registry, graphName)));
        if (round == 0) {
          // the stand-in's pace: each instance's share of the fastest raw case of this round
          standIn.pace(sizes, ways, rates);
        }
        standIn.measure(settings.callers(), slice, w, rates, meanBatch);
      }
      Map<String, Cell> cells = new LinkedHashMap<>(); // by way and batch size, as rates
      for (Raw way : ways) {
        for (int b : sizes) {
          cells.put(
              way.label() + b, new Cell(way, b, new Stats(rates.get(way.label() + b)).median()));
        }
      }
      Report.line(
          "  raw ONNX Runtime, session.run per batch, each thread its own batch (the same tensors"
              + " every run, made once on direct buffers):");
      StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %10s", "batch"));
      ways.forEach(w -> head.append(String.format(Locale.ROOT, " %28s", w.label())));
      Report.line("%s", head);
      for (int b : sizes) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %10d", b));
        for (Raw way : ways) {
          row.append(String.format(Locale.ROOT, " %28.0f", cells.get(way.label() + b).rate()));
        }
        Report.line("%s", row);
      }
      Cell best = bestWithin(cells.values(), Integer.MAX_VALUE);
      Report.line(
          "  micro-batched through ModelRegistry.run (inference.batch.max-size %d, max-delay-us"
              + " %d, instances %d; inference.threads %d):",
          batching.maxSize(), batching.maxDelayMicros(), batching.instances(), settings.threads());
      for (int callers : callerCounts) {
        double rate = new Stats(rates.get("callers " + callers)).median();
        Cell fill = bestWithin(cells.values(), callers);
        String toFill =
            fill == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; to raw with at most %d in flight (%s):%s",
                    callers,
                    where(fill),
                    Stats.ratio(rate / fill.rate()));
        Report.line(
            "  %10s %5d %12.0f  mean batch %5.1f  ratio to raw best (%s):%s%s",
            "callers",
            callers,
            rate,
            new Stats(meanBatch.get("callers " + callers)).median(),
            where(best),
            Stats.ratio(rate / best.rate()),
            toFill);
      }
      Report.line(
          "  target: %d callers >= 0.9 x raw ONNX Runtime at its best batch size (%d callers keep"
              + " at most %d samples in flight, so the last ratio is the most batching could reach"
              + " over the first)",
          settings.callers(), settings.callers(), settings.callers());
      double async = new Stats(rates.get("in flight")).median();
      Report.line(
          "  %10s %5d %12.0f  mean batch %5.1f  ratio to raw best:%s  (the same number of requests"
              + " kept in flight, no thread waiting on any: each answer submits the next)",
          "in flight",
          settings.callers(),
          async,
          new Stats(meanBatch.get("in flight")).median(),
          Stats.ratio(async / best.rate()));
      standIn.report(settings.callers(), rates, meanBatch);
    }
  }

  /**
   * The hand-off ceiling: the service's batcher with the model replaced by computation at the raw
   * best's pace ({@link HandOffProbe}), beside as many threads doing it with no batcher, in the
   * same rounds. What the waiting callers reach of it is what their threads cost on this machine
   * before any model work: a bound on the target's ratio for any batcher whose callers wait.
   */
  private static final class StandIn implements AutoCloseable {

    private final Batching batching;
    private HandOffProbe probe;
    private long nanosPerSample;

    StandIn(Batching batching) {
      this.batching = batching;
    }

    /**
     * Sets the stand-in's computation per sample to take, on an idle core, instances ÷ the best raw
     * rate measured so far.
     */
    void pace(List<Integer> sizes, List<Raw> ways, Map<String, List<Double>> rates) {
      double best = 0;
      for (Raw way : ways) {
        for (int b : sizes) {
          best = Math.max(best, rates.get(way.label() + b).get(0));
        }
      }
      nanosPerSample = Math.round(batching.instances() * 1e9 / best);
      probe = new HandOffProbe(batching, java.time.Duration.ofNanos(nanosPerSample));
    }

    void measure(
        int callers,
        double seconds,
        double warmUp,
        Map<String, List<Double>> rates,
        Map<String, List<Double>> meanBatch)
        throws Exception {
      int perRun = 16; // samples' computation per loop of the batcher-less threads
      if (warmUp > 0) {
        TimedLoad.perSecond(callers, warmUp, (c, i) -> probe.run());
      }
      rates
          .computeIfAbsent("stand-in raw", k -> new ArrayList<>())
          .add(
              TimedLoad.perSecond(
                      batching.instances(),
                      seconds,
                      (t, i) -> HandOffProbe.work(probe.stepsPerSample() * perRun))
                  * perRun);
      BatchStats before = probe.stats();
      rates
          .computeIfAbsent("stand-in callers", k -> new ArrayList<>())
          .add(TimedLoad.perSecond(callers, seconds, (c, i) -> probe.run()));
      meanBatch
          .computeIfAbsent("stand-in callers", k -> new ArrayList<>())
          .add(meanBatch(before, probe.stats()));
    }

    void report(int callers, Map<String, List<Double>> rates, Map<String, List<Double>> meanBatch) {
      double raw = new Stats(rates.get("stand-in raw")).median();
      double waited = new Stats(rates.get("stand-in callers")).median();
      Report.line(
          "  %10s %5d %12.0f  mean batch %5.1f  ratio to its own raw (%d threads, %.1f us of CPU"
              + " per sample, %.0f/s):%s  (the hand-off ceiling: the same batcher, its model"
              + " replaced by computation at raw best's pace, no tensor made or read; what waiting"
              + " callers' threads cost on this machine before any model work)",
          "stand-in",
          callers,
          waited,
          new Stats(meanBatch.get("stand-in callers")).median(),
          batching.instances(),
          nanosPerSample / 1e3,
          raw,
          Stats.ratio(waited / raw));
    }

    @Override
    public void close() {
      if (probe != null) {
        probe.close();
      }
    }
  }

  /**
   * A session on every core, one run at a time, when the served sessions use fewer (on cpu only: on
   * a GPU intra-op threads do not spread a run); null otherwise.
   */
  private ModelRegistry wide(ModelRegistry served, int cores) {
    if (!"cpu".equals(served.device()) || cores == settings.threads()) {
      return null;
    }
    return ModelRegistry.open(
        settings.models(),
        settings.model(),
        new InferenceSettings(settings.device(), cores, 1, Batching.OFF));
  }

  private static String label(int threads, int intraOp) {
    return String.format(
        Locale.ROOT, "%d thread%s, %d intra-op", threads, threads == 1 ? "" : "s", intraOp);
  }

  private static String where(Cell c) {
    return "batch " + c.batch() + ", " + c.raw().label();
  }

  /** The fastest raw case with at most {@code inFlight} samples in flight; null when none. */
  private static Cell bestWithin(Collection<Cell> cells, int inFlight) {
    return cells.stream()
        .filter(c -> c.raw().inFlight(c.batch()) <= inFlight)
        .max(Comparator.comparingDouble(Cell::rate))
        .orElse(null);
  }

  /** Samples per batch between two readings of a batcher's counts. */
  private static double meanBatch(BatchStats before, BatchStats after) {
    return (after.samples() - before.samples())
        / (double) Math.max(1, after.batches() - before.batches());
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
   * Raw session.run of batches made of these samples, {@code way.threads()} threads each running
   * its own, for {@code seconds} after a warm-up of {@code warmUp} seconds (0: none): samples per
   * second of all together. The tensors are made once, on direct buffers, and every run feeds the
   * same ones: the floor is {@code session.run} alone. (Tensors made from heap arrays on every run
   * had ONNX Runtime's Java binding copy each into a new direct buffer, up to 13 MB a run at batch
   * 64, and the JVM's direct-memory limit then called for full collections: that floor read from
   * 2,441 to 15,327 samples/s at the same batch size in two runs.)
   */
  private static double raw(Raw way, List<ModelInputs> batch, double seconds, double warmUp)
      throws Exception {
    List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
    try {
      for (int t = 0; t < way.threads(); t++) {
        feeds.add(feed(way.graph(), batch));
      }
      if (warmUp > 0) {
        runFor(way.graph(), feeds, warmUp);
      }
      return runFor(way.graph(), feeds, seconds) * batch.size();
    } finally {
      feeds.forEach(f -> f.values().forEach(OnnxTensor::close));
    }
  }

  /** One batch of the samples as tensors on direct buffers, by input name. */
  private static Map<String, OnnxTensor> feed(GraphSession graph, List<ModelInputs> batch)
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
      return feed;
    } catch (OrtException | RuntimeException e) {
      feed.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  /** Runs per second of {@code session.run}, one thread per feed, each on its own feed. */
  private static double runFor(
      GraphSession graph, List<Map<String, OnnxTensor>> feeds, double seconds) throws Exception {
    return TimedLoad.perSecond(
        feeds.size(),
        seconds,
        (thread, i) -> {
          try (OrtSession.Result result = graph.session().run(feeds.get(thread))) {
            // the run alone: its outputs are not read
          }
        });
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

  /**
   * Samples per second with {@code n} requests in flight and no thread waiting on any: each answer
   * submits the next request from the thread that answered it. Beside {@link #batched} it shows
   * mostly what the callers' threads cost (each waits, is woken and runs again per sample).
   */
  private static double inFlight(
      ModelRegistry registry, List<ModelInputs> samples, int n, double seconds) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(n);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < n; c++) {
      next(registry, samples, c, done, stop, ended, failure);
    }
    Thread.sleep((long) (seconds * 1000)); // the measured interval itself, not a poll
    stop.set(true);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double rate = done.sum() / elapsed;
    if (!ended.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests still in flight 60 s after the bench stopped");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a request in flight failed", failure.get());
    }
    return rate;
  }

  private static void next(
      ModelRegistry registry,
      List<ModelInputs> samples,
      int i,
      LongAdder done,
      AtomicBoolean stop,
      CountDownLatch ended,
      AtomicReference<Throwable> failure) {
    if (stop.get()) {
      ended.countDown();
      return;
    }
    try {
      registry
          .submit(samples.get(i % samples.size()))
          .whenComplete(
              (result, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                  ended.countDown();
                  return;
                }
                if (!stop.get()) {
                  done.increment();
                }
                next(registry, samples, i + 1, done, stop, ended, failure);
              });
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      ended.countDown();
    }
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
