package org.fusioncds.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code threads} threads each repeating one operation for {@code seconds}, started together: the
 * operations completed per second. The first failure of any thread is thrown once all stopped.
 */
final class TimedLoad {

  /** One operation; {@code caller} is the thread's number, {@code i} its count so far. */
  @FunctionalInterface
  interface Operation {
    void run(int caller, long i) throws Exception;
  }

  private TimedLoad() {}

  static double perSecond(int threads, double seconds, Operation op) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int caller = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (long i = 0; !stop.get(); i++) {
                    op.run(caller, i);
                    done.increment();
                  }
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              },
              "bench-load-" + t);
      thread.start();
      all.add(thread);
    }
    long t0 = System.nanoTime();
    go.countDown();
    Thread.sleep((long) (seconds * 1000)); // the measured interval itself, not a poll
    stop.set(true);
    for (Thread t : all) {
      t.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return done.sum() / elapsed;
  }
}
