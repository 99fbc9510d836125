package org.fusioncds.inference;

import ai.onnxruntime.OrtEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.inference.LoadedModel.GraphSession;
import org.fusioncds.model.ModelCard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic batcher of one graph on one device: requests wait in a bounded queue; each of {@link
 * Batching#instances()} threads, all running the graph's one session (ONNX Runtime's {@code run} is
 * thread-safe), takes the first, everything else already waiting (up to {@link
 * Batching#maxSize()}), waits for more at most {@link Batching#maxDelayMicros()} after the first
 * arrived, and runs them as one {@code session.run} with its own {@link GraphRunner}. A lone
 * request therefore runs at once (batch 1) and batches grow with the load; with two instances one
 * batch is copied and answered while the other runs. Closing refuses what still waits (FCDS-5302)
 * and stops the threads; the session itself belongs to {@link LoadedModel}.
 */
final class GraphBatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GraphBatcher.class);

  /**
   * One sample's raw value of each card output (in the card's order) with the time it spent:
   * tensors, and queue + run.
   */
  record Outcome(double[] raw, double tensorMs, double runMs, int batchSize) {}

  /**
   * What one instance runs a batch with: the graph's {@link GraphRunner} when serving, a stand-in
   * when the bench measures the batcher alone ({@link HandOffProbe}).
   */
  interface Runner {

    /**
     * Each sample's outcome, in order.
     *
     * @param times wall time added to {@code [0]} (tensors) and {@code [1]} (the run)
     */
    List<GraphRunner.Sample> run(List<ModelInputs> samples, double[] times);
  }

  private record Request(ModelInputs inputs, CompletableFuture<Outcome> result, long arrived) {}

  private final String model;
  private final String graph;
  private final Consumer<ModelInputs> validate;
  private final int maxSize;
  private final long maxDelayNanos;
  private final BlockingQueue<Request> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final ReentrantLock forming = new ReentrantLock();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private volatile boolean closed;

  GraphBatcher(OrtEnvironment env, ModelCard card, GraphSession graph, Batching batching) {
    this(
        card.id(),
        graph.name(),
        GraphRunner.batchable(graph.session()) ? batching.maxSize() : 1,
        batching,
        inputs -> GraphRunner.validate(card, graph, inputs),
        () -> new GraphRunner(env, card, graph));
  }

  /**
   * A batcher of {@code model}/{@code graph} whose instances each run with their own runner; {@code
   * validate} throws for inputs that cannot be queued.
   */
  GraphBatcher(
      String model,
      String graph,
      int maxSize,
      Batching batching,
      Consumer<ModelInputs> validate,
      Supplier<? extends Runner> runners) {
    this.model = model;
    this.graph = graph;
    this.validate = validate;
    this.maxSize = maxSize;
    this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(batching.maxDelayMicros());
    this.queue = new ArrayBlockingQueue<>(batching.maxQueue());
    for (int i = 0; i < batching.instances(); i++) {
      Runner runner = runners.get();
      Thread t = new Thread(() -> loop(runner), "fcds-batch-" + model + "-" + graph + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Queues one sample, validated here (5201–5203, thrown to the caller). A full queue is refused
   * with FCDS-5304 (503).
   */
  CompletableFuture<Outcome> submit(ModelInputs inputs) {
    validate.accept(inputs);
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    if (closed) {
      throw stopped();
    }
    boolean queued = queue.offer(new Request(inputs, f, System.nanoTime()));
    if (closed) {
      refuseWaiting(); // closed while this one was being queued: nothing will take it
    }
    if (!queued) {
      throw new FcdsException(
          ErrorCode.INFERENCE_QUEUE_FULL,
          "too many evaluations wait for "
              + model
              + "/"
              + graph
              + " — "
              + queue.size()
              + " waiting");
    }
    return f;
  }

  BatchStats stats() {
    return new BatchStats(model, graph, batches.get(), samples.get(), queue.size());
  }

  /**
   * One instance: forms a batch (one instance at a time, so that a batch waiting out its delay is
   * not robbed of its requests by an idle instance), runs it with its own runner (buffers) while
   * the next instance forms the next, answers it; again.
   */
  private void loop(Runner runner) {
    List<Request> batch = new ArrayList<>(maxSize);
    List<ModelInputs> inputs = new ArrayList<>(maxSize);
    while (!closed) {
      try {
        forming.lockInterruptibly();
        try {
          batch.add(queue.take());
          collect(batch);
        } finally {
          forming.unlock();
        }
        run(runner, batch, inputs);
      } catch (InterruptedException e) {
        batch.forEach(r -> r.result().completeExceptionally(stopped()));
        break;
      } catch (RuntimeException | Error e) {
        LOG.error("batch of {}/{} failed: {}", model, graph, e.toString());
        batch.forEach(r -> r.result().completeExceptionally(e));
      } finally {
        batch.clear();
        inputs.clear();
      }
    }
    refuseWaiting();
  }

  /** Adds what waits, then what arrives until the first request's delay has passed. */
  private void collect(List<Request> batch) throws InterruptedException {
    queue.drainTo(batch, maxSize - batch.size());
    long deadline = batch.get(0).arrived() + maxDelayNanos;
    while (batch.size() < maxSize) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      Request r = queue.poll(left, TimeUnit.NANOSECONDS);
      if (r == null) {
        return;
      }
      batch.add(r);
      queue.drainTo(batch, maxSize - batch.size());
    }
  }

  private void run(Runner runner, List<Request> batch, List<ModelInputs> inputs) {
    double[] times = new double[2];
    for (Request r : batch) {
      inputs.add(r.inputs());
    }
    List<GraphRunner.Sample> out = runner.run(inputs, times);
    long done = System.nanoTime();
    batches.incrementAndGet();
    samples.addAndGet(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.get(i);
      GraphRunner.Sample s = out.get(i);
      if (s.error() != null) {
        r.result().completeExceptionally(s.error());
      } else {
        double waitedAndRan = (done - r.arrived()) / 1e6 - times[0];
        r.result().complete(new Outcome(s.raw(), times[0], waitedAndRan, batch.size()));
      }
    }
  }

  private void refuseWaiting() {
    List<Request> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(r -> r.result().completeExceptionally(stopped()));
  }

  private FcdsException stopped() {
    return new FcdsException(
        ErrorCode.INFERENCE_INTERRUPTED, "the model is being closed — " + model + "/" + graph);
  }

  /**
   * Stops taking requests, refuses those waiting and waits (30 s in all) for the running batches to
   * finish; see {@link #ended()}.
   */
  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      for (Thread t : threads) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    refuseWaiting();
  }

  /** True once every instance's thread has ended: no batch runs on the session any more. */
  boolean ended() {
    return threads.stream().noneMatch(Thread::isAlive);
  }
}
