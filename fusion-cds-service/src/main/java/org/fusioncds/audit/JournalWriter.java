package org.fusioncds.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The single writer of the audit journal (group commit): appenders hand their record over and wait;
 * the thread {@code audit-journal} takes every record waiting (at most {@code maxGroup}; while
 * other appenders are still encoding it waits for them up to {@code maxWaitMicros}), writes them
 * with one write, forces the file once, tells the spool where they are, then releases every caller
 * of the group. A caller therefore returns only once its record is on disk. The segment is opened
 * at the first group and rolled past {@code segmentBytes}; a failed group closes it (the next group
 * starts a new one) and fails all its callers with FCDS-7071.
 */
final class JournalWriter implements AutoCloseable {

  /** How a segment is made durable; a seam so that tests can count the forces. */
  @FunctionalInterface
  interface Force {
    void force(FileChannel channel) throws IOException;

    Force DATA = channel -> channel.force(false);
  }

  /** What the writer tells its owner. */
  interface Listener {
    /** A new segment whose first record will have {@code base}; called before it is written. */
    void segmentOpened(long base, Path file);

    /** Records now durable, in seq order. */
    void durable(List<Written> records);
  }

  /** A durable record: where it lies. */
  record Written(long seq, Path segment, int offset, int length) {}

  private record Pending(byte[] payload, CompletableFuture<Void> done) {}

  private final Path folder;
  private final JournalSettings settings;
  private final Force force;
  private final Listener listener;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger appending = new AtomicInteger();
  private final AtomicLong groups = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSeq;
  private FileChannel segment;
  private Path segmentFile;
  private long segmentSize;

  JournalWriter(
      Path folder, JournalSettings settings, Force force, Listener listener, long lastSeq) {
    this.folder = folder;
    this.settings = settings;
    this.force = force;
    this.listener = listener;
    this.lastSeq = lastSeq;
    this.thread = new Thread(this::loop, "audit-journal");
    thread.setDaemon(true);
    thread.start();
  }

  /** The segment file of the records from {@code base} on. */
  static String segmentName(long base) {
    return String.format("journal-%019d.seg", base);
  }

  /**
   * Encodes in the caller's thread, hands the record to the writer and waits until it is durable.
   *
   * @throws FcdsException 7071 when it could not be written
   */
  void append(Supplier<byte[]> encode) {
    appending.incrementAndGet();
    try {
      CompletableFuture<Void> done = submit(encode.get());
      await(done);
    } finally {
      appending.decrementAndGet();
    }
  }

  /**
   * Encodes in the caller's thread and hands the record to the writer without waiting: the future
   * completes once it is durable (or fails with FCDS-7071). Records handed over later go into the
   * same or a later group.
   */
  CompletableFuture<Void> appendLater(Supplier<byte[]> encode) {
    appending.incrementAndGet();
    try {
      return submit(encode.get());
    } finally {
      appending.decrementAndGet();
    }
  }

  /**
   * Appends many in order, in as few groups as the settings allow; returns once all are durable.
   */
  void appendAll(List<byte[]> payloads) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    payloads.forEach(p -> all.add(submit(p)));
    all.forEach(JournalWriter::await);
  }

  /** The number of groups written (each one force). */
  long groups() {
    return groups.get();
  }

  /** The segment the writer appends to, or null before the first group. */
  synchronized Path activeSegment() {
    return segmentFile;
  }

  @Override
  public void close() {
    running = false; // no interrupt: it would close the channel in the middle of a force
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closeSegment();
    }
    failAll(new IOException("the audit journal is closed"));
  }

  private CompletableFuture<Void> submit(byte[] payload) {
    if (payload.length > JournalFormat.MAX_PAYLOAD) {
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED,
          "audit event not spooled — "
              + payload.length
              + " bytes, at most "
              + JournalFormat.MAX_PAYLOAD);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!running) {
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — journal closed");
    }
    queue.add(new Pending(payload, done));
    return done;
  }

  /** Waits for a record handed over by {@link #appendLater}; FCDS-7071 when it was not written. */
  static void await(CompletableFuture<Void> done) {
    try {
      done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof FcdsException f) {
        throw f;
      }
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + e.getCause(), e.getCause());
    }
  }

  private void loop() {
    while (running || !queue.isEmpty()) {
      try {
        List<Pending> group = gather();
        if (!group.isEmpty()) {
          write(group);
        }
      } catch (InterruptedException e) {
        return; // only a JVM shutting down interrupts this daemon; waiting callers are failed by
        // close
      }
    }
  }

  private List<Pending> gather() throws InterruptedException {
    List<Pending> group = new ArrayList<>();
    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
    if (first == null) {
      return group;
    }
    group.add(first);
    int max = settings.maxGroup();
    queue.drainTo(group, max - group.size());
    long deadline = System.nanoTime() + settings.maxWaitMicros() * 1000;
    while (group.size() < max && group.size() < appending.get()) {
      long left = deadline - System.nanoTime();
      Pending p = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (p == null) {
        break;
      }
      group.add(p);
      queue.drainTo(group, max - group.size());
    }
    return group;
  }

  private synchronized void write(List<Pending> group) {
    long start = -1;
    try {
      openSegmentIfNeeded();
      int bytes = group.stream().mapToInt(p -> JournalFormat.size(p.payload())).sum();
      ByteBuffer buffer = ByteBuffer.allocate(bytes);
      List<Written> written = new ArrayList<>(group.size());
      start = segmentSize;
      for (Pending p : group) {
        long seq = ++lastSeq;
        written.add(
            new Written(seq, segmentFile, (int) (start + buffer.position()), p.payload().length));
        JournalFormat.put(buffer, seq, p.payload());
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        segment.write(buffer, segmentSize + buffer.position());
      }
      force.force(segment);
      segmentSize += bytes;
      groups.incrementAndGet();
      listener.durable(written);
      group.forEach(p -> p.done().complete(null));
    } catch (IOException | RuntimeException e) {
      abandonSegment(start);
      FcdsException x =
          new FcdsException(ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + e, e);
      group.forEach(p -> p.done().completeExceptionally(x));
    }
  }

  private void openSegmentIfNeeded() throws IOException {
    if (segment != null && !Files.exists(segmentFile)) {
      // deleted under us (the folder removed): writing on would only fill an unlinked file
      throw new NoSuchFileException(segmentFile.toString(), null, "journal segment deleted");
    }
    if (segment != null && segmentSize < settings.segmentBytes()) {
      return;
    }
    closeSegment();
    long base = lastSeq + 1;
    Path file = folder.resolve(segmentName(base));
    listener.segmentOpened(base, file);
    // A file of this name holds no durable record (one would have made lastSeq >= base): a crash
    // came after it was made, before its first group was whole (the open's scan cut any torn
    // bytes). Nothing in it was acknowledged: it is started again, where CREATE_NEW would refuse
    // this group and every later one until a restart after the older segments were shipped.
    segment =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    segmentFile = file;
    segmentSize = 0;
    AuditSpool.forceDirectory(folder);
  }

  /** After a failed group: cut what it may have left (best effort), start a new segment next. */
  private void abandonSegment(long groupStart) {
    if (segment != null && groupStart >= 0) {
      try {
        segment.truncate(groupStart);
      } catch (IOException | RuntimeException e) {
        // the next open finds the damage by its checksum
      }
    }
    closeSegment();
  }

  private void closeSegment() {
    if (segment != null) {
      try {
        segment.close();
      } catch (IOException e) {
        // closing a channel we only append to: nothing left to lose
      }
    }
    segment = null;
  }

  private void failAll(IOException why) {
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    FcdsException x =
        new FcdsException(ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + why, why);
    rest.forEach(p -> p.done().completeExceptionally(x));
  }
}
