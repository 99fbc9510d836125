package org.fusioncds.cdshooks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * An append-only file of lines, each line on disk (written whole and forced) when {@link #append}
 * returns, with group commit and no thread of its own: the lines handed in while one group is being
 * forced are written and forced together by the first of their callers to get the writer's lock;
 * the others find their line already on disk. A lone caller writes its own line at once. A group
 * that fails is cut off the file again (best effort), so a later line never follows half a line;
 * every caller of that group gets the file's code (the feedback store's: FCDS-1024).
 */
final class LineFile {

  private record Pending(byte[] bytes, CompletableFuture<Void> done) {}

  private final Path file;
  private final ErrorCode failure;
  private final String what;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock writer = new ReentrantLock();
  private final AtomicLong groups = new AtomicLong();

  /** A file of the feedback store (a failed append: FCDS-1024). */
  LineFile(Path file) {
    this(file, ErrorCode.FEEDBACK_NOT_STORED, "feedback store");
  }

  /**
   * @param failure the code of a failed append
   * @param what the file's purpose, as its error message names it
   */
  LineFile(Path file, ErrorCode failure, String what) {
    this.file = file;
    this.failure = failure;
    this.what = what;
  }

  /**
   * Appends {@code line} and a newline; returns once both are on disk.
   *
   * @throws FcdsException the file's code when the file could not be written
   */
  void append(String line) {
    Pending mine =
        new Pending((line + "\n").getBytes(StandardCharsets.UTF_8), new CompletableFuture<>());
    queue.add(mine);
    writer.lock();
    try {
      if (!mine.done().isDone()) {
        writeWaiting(); // mine and every line handed in since the last group
      }
    } finally {
      writer.unlock();
    }
    try {
      mine.done().join();
    } catch (CompletionException e) {
      throw (FcdsException) e.getCause();
    }
  }

  /**
   * Replaces the file by the lines {@code current} gives, taken once every line handed in before is
   * on disk and while no other is written: written to a sibling, forced, moved over the file
   * atomically (a crash leaves the old file or the new one, whole).
   */
  void rewrite(java.util.function.Supplier<List<String>> current) throws IOException {
    writer.lock();
    try {
      writeWaiting();
      Path fresh = file.resolveSibling(file.getFileName() + ".compact");
      java.nio.file.Files.write(fresh, current.get(), StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      java.nio.file.Files.move(
          fresh,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      writer.unlock();
    }
  }

  /** The groups written so far (each one write and one force). */
  long groups() {
    return groups.get();
  }

  private void writeWaiting() {
    List<Pending> group = new ArrayList<>();
    int bytes = 0;
    for (Pending p = queue.poll(); p != null; p = queue.poll()) {
      group.add(p);
      bytes += p.bytes().length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    group.forEach(p -> buffer.put(p.bytes()));
    buffer.flip();
    long start = -1;
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      try {
        start = ch.size();
        while (buffer.hasRemaining()) {
          ch.write(buffer); // O_APPEND: each write lands at the end, as before group commit
        }
        ch.force(true);
      } catch (IOException | RuntimeException e) {
        cut(ch, start);
        throw e;
      }
      groups.incrementAndGet();
      group.forEach(p -> p.done().complete(null));
    } catch (IOException | RuntimeException e) {
      FcdsException x =
          new FcdsException(failure, what + " not writable — " + file + ": " + e.getMessage(), e);
      group.forEach(p -> p.done().completeExceptionally(x));
    }
  }

  /** Takes a failed group off the end of the file again; best effort. */
  private static void cut(FileChannel ch, long start) {
    if (start < 0) {
      return;
    }
    try {
      ch.truncate(start);
    } catch (IOException | RuntimeException e) {
      // a half line left behind makes the store's replay at start refuse the file (FCDS-9010)
    }
  }
}
