package org.fusioncds.fhir;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Two independent reads of one hook made at the same time (the Patient beside the studies, the
 * Observations beside the Conditions): the second on a thread of a pool shared by all hooks, the
 * first on the caller's thread. When every pool thread is busy the caller makes the second read
 * itself, after the first, as if there were no pool: a burst of hooks never waits in a queue for a
 * thread it could do without. Neither read is still running when {@link #both} returns or throws;
 * when both fail, the first one's error is the one thrown (the one a sequential gather would have
 * met).
 */
public final class SideBySide implements AutoCloseable {

  private final ThreadPoolExecutor pool;

  /** {@code threads}: the pool's size; 0 makes every pair sequential on the caller's thread. */
  public SideBySide(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 or more: " + threads);
    }
    AtomicInteger n = new AtomicInteger();
    this.pool =
        threads == 0
            ? null
            : new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                  Thread t = new Thread(r, "fcds-fhir-read-" + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    if (pool != null) {
      pool.allowCoreThreadTimeOut(true);
    }
  }

  /** The two results, in the order asked. */
  public record Pair<A, B>(A first, B second) {}

  /** Both results; the first read's error if it failed, else the second's. */
  public <A, B> Pair<A, B> both(Supplier<A> first, Supplier<B> second) {
    Future<B> other = submit(second);
    A a;
    try {
      a = first.get();
    } catch (RuntimeException | Error e) {
      if (other != null) {
        awaitQuietly(other);
      }
      throw e;
    }
    return new Pair<>(a, other != null ? await(other) : second.get());
  }

  /** The second read started on a pool thread; null when none is free (the caller reads it). */
  private <B> Future<B> submit(Supplier<B> task) {
    if (pool == null) {
      return null;
    }
    try {
      return CompletableFuture.supplyAsync(task, pool);
    } catch (RejectedExecutionException busy) {
      return null; // every thread busy (or closing)
    }
  }

  private static <B> B await(Future<B> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true; // the read runs to its own timeout; its result is still needed
        } catch (ExecutionException e) {
          throw unwrap(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void awaitQuietly(Future<?> f) {
    try {
      await(f);
    } catch (RuntimeException | Error ignored) {
      // the first read's error is the one that counts
    }
  }

  private static RuntimeException unwrap(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof RuntimeException r) {
      return r;
    }
    if (c instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(c);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
