package org.fusioncds.imaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.fusioncds.dicom.pixel.Frame;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The frames of one series, fetched and decoded on a shared pool ahead of the consumer, at most
 * {@code readAhead} at a time: fetching slice {@code k + readAhead} starts when slice {@code k} is
 * taken. Nothing blocks a pool thread on the consumer, so a series nobody builds holds at most
 * {@code readAhead} frames, until it is dropped. A slice asked out of order is fetched at once. A
 * frame is handed over once (the builder takes each slice once); asked again, it is fetched again.
 */
public final class FramePrefetch {

  private final Executor pool;
  private final int readAhead;
  private final IntFunction<Frame> fetch;
  private final Map<Integer, CompletableFuture<Frame>> started = new HashMap<>();
  private final AtomicInteger fetched = new AtomicInteger();
  private final AtomicLong fetchNanos = new AtomicLong();
  private List<Integer> order;
  private int[] position;
  private int next;

  /**
   * @param slices how many slices the series has
   * @param fetch fetches and decodes slice {@code i} (a single-frame instance, or a frame of an
   *     enhanced multi-frame one)
   */
  FramePrefetch(int slices, Executor pool, int readAhead, IntFunction<Frame> fetch) {
    this.pool = pool;
    this.readAhead = readAhead;
    this.fetch = fetch;
    List<Integer> identity = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      identity.add(i);
    }
    order(identity);
  }

  /** The order the consumer will take the slices in (indices into the headers). */
  synchronized void order(List<Integer> order) {
    this.order = List.copyOf(order);
    this.position = new int[order.size()];
    for (int p = 0; p < order.size(); p++) {
      position[order.get(p)] = p;
    }
  }

  /** Starts the first {@code readAhead} fetches. */
  synchronized void start() {
    while (next < order.size() && next < readAhead) {
      submit(order.get(next++));
    }
  }

  /** The supplier of slice {@code index}: waits for its frame, and starts the next fetch. */
  Supplier<Frame> supplier(int index) {
    return () -> take(index);
  }

  /** Frames fetched so far. */
  public int fetched() {
    return fetched.get();
  }

  /** Time spent fetching and decoding, summed over the pool's threads, in milliseconds. */
  public double fetchMillis() {
    return fetchNanos.get() / 1e6;
  }

  private Frame take(int index) {
    CompletableFuture<Frame> f;
    synchronized (this) {
      f = started.remove(index);
      int ahead = position[index] + 1 + readAhead;
      while (next < order.size() && next < ahead) {
        int i = order.get(next++);
        if (!started.containsKey(i) && i != index) {
          submit(i);
        }
      }
    }
    if (f == null) {
      return timed(index); // not read ahead (asked out of order, or again): fetched here
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof FcdsException fe) {
        throw fe;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new FcdsException(
          ErrorCode.DICOMWEB_INTERRUPTED, "frame fetch failed — " + e.getCause(), e.getCause());
    }
  }

  private void submit(int index) {
    started.put(index, CompletableFuture.supplyAsync(() -> timed(index), pool));
  }

  private Frame timed(int index) {
    long t0 = System.nanoTime();
    try {
      Frame f = fetch.apply(index);
      fetched.incrementAndGet();
      return f;
    } finally {
      fetchNanos.addAndGet(System.nanoTime() - t0);
    }
  }
}
