package org.fusioncds.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fusioncds.audit.JournalWriter.Written;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable queue of AuditEvents (FHIR R4 JSON) on disk: a journal of segment files ({@code
 * journal-<first seq>.seg}, records in {@link JournalFormat}) written by one {@link JournalWriter}
 * with one force per group of appends, and {@code journal.ack}, the highest sequence number up to
 * which every event was shipped (replaced atomically; lost or stale, it only makes the shipper
 * resend, which PUT by id makes harmless). A segment is deleted once every record in it is
 * acknowledged. Opening scans every segment: a damaged tail of the last one is a write a crash cut
 * (never acknowledged to its appender), dropped and logged as FCDS-7075; damage anywhere else, or a
 * record that does not parse, is copied to {@code quarantine/} and logged as FCDS-7072 (offsets and
 * sizes, never content). Files of the per-file spool a previous version left are moved into the
 * journal first ({@link LegacySpoolFiles}). One process per folder.
 */
public final class AuditSpool implements AutoCloseable {

  /** One spooled event; {@code seq} is its place in the journal. */
  public record Entry(long seq, String id, AuditEvent event) {}

  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{19})\\.seg");
  static final String ACK = "journal.ack";

  private final Path folder;
  private final Path quarantine;
  private final FhirContext fhir = FhirContext.forR4Cached();
  private final Object lock = new Object();
  private final Object ackLock = new Object();
  private final TreeMap<Long, Written> pending = new TreeMap<>();
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final JournalWriter writer;
  private long lastDurable;
  private long acked;

  private final java.util.concurrent.atomic.AtomicLong appended =
      new java.util.concurrent.atomic.AtomicLong();

  /** Opens (creating when needed) the spool in this folder with the default settings. */
  public AuditSpool(Path folder) {
    this(folder, JournalSettings.DEFAULTS);
  }

  /**
   * Opens (creating when needed) the spool in this folder.
   *
   * @throws FcdsException 7074 when the folder cannot be created or read
   */
  public AuditSpool(Path folder, JournalSettings settings) {
    this(folder, settings, JournalWriter.Force.DATA);
  }

  AuditSpool(Path folder, JournalSettings settings, JournalWriter.Force force) {
    this.folder = folder;
    this.quarantine = folder.resolve("quarantine");
    List<LegacySpoolFiles.Legacy> legacy;
    try {
      Files.createDirectories(quarantine);
      Files.deleteIfExists(folder.resolve(ACK + ".tmp"));
      acked = readAck();
      lastDurable = acked;
      scanSegments();
      deleteShipped(true);
      legacy = LegacySpoolFiles.read(folder, this);
    } catch (IOException | RuntimeException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER, "audit spool folder unusable — " + folder + ": " + e, e);
    }
    writer = new JournalWriter(folder, settings, force, new Index(), lastDurable);
    importLegacy(legacy);
  }

  /** The folder of the spool. */
  public Path folder() {
    return folder;
  }

  /**
   * Writes the event durably; when this returns, the event survives a crash. Appends of many
   * threads share one force (group commit, {@code audit.journal.*}).
   *
   * @throws FcdsException 7070 when the event has no usable id, 7071 when it cannot be written
   *     (callers fail closed)
   */
  public void append(AuditEvent event) {
    String id = usableId(event);
    try {
      writer.append(() -> encoded(event));
      appended.incrementAndGet();
    } catch (FcdsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + id + ": " + e, e);
    }
  }

  /**
   * Hands the event to the journal and returns at once: the future completes when the event is
   * durable ({@link #awaitDurable}). The id is checked and the event encoded before this returns.
   *
   * @throws FcdsException 7070 when the event has no usable id, 7071 when the journal is closed
   */
  public java.util.concurrent.CompletableFuture<Void> appendLater(AuditEvent event) {
    String id = usableId(event);
    try {
      return writer.appendLater(() -> encoded(event)).thenRun(appended::incrementAndGet);
    } catch (FcdsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + id + ": " + e, e);
    }
  }

  /**
   * Waits until an event handed over by {@link #appendLater} is durable.
   *
   * @throws FcdsException 7071 when it could not be written
   */
  public static void awaitDurable(java.util.concurrent.CompletableFuture<Void> done) {
    JournalWriter.await(done);
  }

  /** The event's id, the journal's key for it; FCDS-7070 when it has none usable. */
  private static String usableId(AuditEvent event) {
    String id = event.getIdElement().getIdPart();
    if (id == null || !ID.matcher(id).matches()) {
      throw new FcdsException(ErrorCode.AUDIT_EVENT_ID, "AuditEvent without a usable id — " + id);
    }
    return id;
  }

  /** The event as the journal keeps it: FHIR JSON, UTF-8. */
  private byte[] encoded(AuditEvent event) {
    String json = AuditEventJson.encode(event); // HAPI's bytes, written without HAPI's cost
    if (json == null) {
      json = parser().encodeResourceToString(event);
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Up to {@code max} events not yet removed, oldest first; records that fail their checksum or do
   * not parse are quarantined on the way (and count as removed).
   *
   * @throws FcdsException 7074 when a segment cannot be read (the events stay)
   */
  public List<Entry> oldest(int max) {
    List<Written> wanted = new ArrayList<>();
    synchronized (lock) {
      for (Written w : pending.values()) {
        if (wanted.size() >= max) {
          break;
        }
        wanted.add(w);
      }
    }
    Map<Path, FileChannel> open = new HashMap<>();
    try {
      List<Entry> entries = new ArrayList<>(wanted.size());
      for (Written w : wanted) {
        Entry e = read(w, open.computeIfAbsent(w.segment(), AuditSpool::openForRead));
        if (e != null) {
          entries.add(e);
        }
      }
      return entries;
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER, "audit journal unreadable — " + folder + ": " + e, e);
    } finally {
      open.values().forEach(AuditSpool::closeQuietly);
    }
  }

  /** Marks a shipped entry done (done already is fine). */
  public void remove(Entry entry) {
    remove(List.of(entry));
  }

  /**
   * Marks shipped entries done: the acknowledged position moves past every entry removed without a
   * gap, is written to {@code journal.ack}, and segments wholly behind it are deleted.
   */
  public void remove(List<Entry> entries) {
    forget(entries.stream().map(Entry::seq).toList());
  }

  /** The events appended (durably) since this spool was opened: what the repository must get. */
  public long appended() {
    return appended.get();
  }

  /** The number of events waiting (quarantined records not counted). */
  public int size() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** The number of files in {@code quarantine/}. */
  public int quarantined() {
    try (Stream<Path> files = Files.list(quarantine)) {
      return (int) files.count();
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER,
          "audit quarantine unreadable — " + quarantine + ": " + e,
          e);
    }
  }

  /** The number of groups written since the spool opened: one force each. */
  public long groupsWritten() {
    return writer.groups();
  }

  /** Stops the writer after the appends already handed over; later appends fail (7071). */
  @Override
  public void close() {
    writer.close();
  }

  /** Moves a file of the per-file spool to {@code quarantine/}, logging the code and why. */
  void quarantineFile(Path file, String why) {
    try {
      Files.move(file, quarantine.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      LOG.error(
          "{}: audit spool file quarantined — {}: {}",
          ErrorCode.AUDIT_QUARANTINED.codeText(),
          file.getFileName(),
          why);
    } catch (IOException e) {
      LOG.error(
          "{}: audit spool file could not be quarantined — {}: {}",
          ErrorCode.AUDIT_QUARANTINED.codeText(),
          file,
          e.toString());
    }
  }

  /** Makes a new or renamed entry durable; not every platform lets a folder be opened (Windows). */
  static void forceDirectory(Path folder) {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here: the entry's durability is the OS's
    }
  }

  private Entry read(Written w, FileChannel channel) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(JournalFormat.HEADER + w.length());
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, w.offset() + bytes.position()) < 0) {
        break;
      }
    }
    bytes.flip();
    JournalFormat.Found f = JournalFormat.at(bytes, 0);
    if (f == null || f.seq() != w.seq()) {
      quarantineRecord(w, bytes, "checksum");
      return null;
    }
    try {
      String json = new String(JournalFormat.payload(bytes, f), StandardCharsets.UTF_8);
      AuditEvent event = parser().parseResource(AuditEvent.class, json);
      return new Entry(w.seq(), event.getIdElement().getIdPart(), event);
    } catch (DataFormatException | ClassCastException e) {
      quarantineRecord(w, bytes, e.getClass().getSimpleName());
      return null;
    }
  }

  private void quarantineRecord(Written w, ByteBuffer bytes, String why) {
    String name = w.segment().getFileName() + "@" + w.offset();
    quarantineBytes(name, bytes, "record " + w.seq() + ", " + bytes.limit() + " bytes: " + why);
    forget(List.of(w.seq()));
  }

  private void quarantineBytes(String name, ByteBuffer bytes, String why) {
    try {
      Files.write(quarantine.resolve(name + ".bad"), toArray(bytes));
      LOG.error(
          "{}: audit journal bytes quarantined — {}: {}",
          ErrorCode.AUDIT_QUARANTINED.codeText(),
          name,
          why);
    } catch (IOException e) {
      LOG.error(
          "{}: audit journal bytes could not be quarantined — {}: {} ({})",
          ErrorCode.AUDIT_QUARANTINED.codeText(),
          name,
          why,
          e.toString());
    }
  }

  private void forget(List<Long> seqs) {
    synchronized (ackLock) {
      long ack;
      synchronized (lock) {
        seqs.forEach(pending::remove);
        ack = pending.isEmpty() ? lastDurable : pending.firstKey() - 1;
        if (ack <= acked) {
          return;
        }
        acked = ack;
      }
      writeAck(ack);
      deleteShipped(false);
    }
  }

  private void scanSegments() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).toList();
    }
    for (Path file : files) {
      Matcher m = SEGMENT.matcher(file.getFileName().toString());
      m.matches();
      segments.put(Long.parseLong(m.group(1)), file);
    }
    Path last = segments.isEmpty() ? null : segments.lastEntry().getValue();
    for (Path file : segments.values()) {
      scan(file, file.equals(last));
    }
  }

  private void scan(Path file, boolean last) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    JournalFormat.Scan scan = JournalFormat.scan(bytes);
    for (JournalFormat.Found f : scan.records()) {
      lastDurable = Math.max(lastDurable, f.seq());
      if (f.seq() > acked) {
        pending.put(f.seq(), new Written(f.seq(), file, f.offset(), f.length()));
      }
    }
    String name = file.getFileName().toString();
    for (JournalFormat.Damage d : scan.damaged()) {
      int n = d.to() - d.from();
      quarantineBytes(name + "@" + d.from(), bytes.slice(d.from(), n), n + " bytes fail checksum");
    }
    if (scan.tornFrom() >= 0) {
      int n = bytes.limit() - scan.tornFrom();
      if (last) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(scan.tornFrom());
          ch.force(false);
        }
        LOG.warn(
            "{}: audit journal torn tail dropped — {} at {}, {} bytes (a write a crash cut, never"
                + " acknowledged)",
            ErrorCode.AUDIT_TORN_TAIL.codeText(),
            name,
            scan.tornFrom(),
            n);
      } else {
        quarantineBytes(
            name + "@" + scan.tornFrom(),
            bytes.slice(scan.tornFrom(), n),
            n + " bytes at the end of a closed segment fail checksum");
      }
    }
  }

  /** Deletes segments wholly acknowledged; the last one only on open (else the writer's). */
  private void deleteShipped(boolean opening) {
    List<Path> gone = new ArrayList<>();
    synchronized (lock) {
      for (Map.Entry<Long, Path> s : new ArrayList<>(segments.entrySet())) {
        Long next = segments.higherKey(s.getKey());
        boolean shipped =
            next != null ? next - 1 <= acked : opening && pending.ceilingKey(s.getKey()) == null;
        if (!shipped) {
          break;
        }
        segments.remove(s.getKey());
        gone.add(s.getValue());
      }
    }
    for (Path p : gone) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.warn(
            "{}: shipped audit journal segment not deleted — {}: {}",
            ErrorCode.AUDIT_SPOOL_FOLDER.codeText(),
            p.getFileName(),
            e.toString());
      }
    }
  }

  private long readAck() throws IOException {
    Path file = folder.resolve(ACK);
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      return Math.max(0, Long.parseLong(text));
    } catch (NumberFormatException e) {
      LOG.warn(
          "{}: {} unreadable, every event kept is shipped again (PUT by id: harmless)",
          ErrorCode.AUDIT_SPOOL_FOLDER.codeText(),
          ACK);
      return 0;
    }
  }

  /** Replaces {@code journal.ack} atomically; a failure only means resending after a restart. */
  private void writeAck(long ack) {
    Path temp = folder.resolve(ACK + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap((ack + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(false);
      }
      Files.move(temp, folder.resolve(ACK), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn(
          "{}: {} not written, shipped events may be sent again after a restart — {}",
          ErrorCode.AUDIT_SPOOL_FOLDER.codeText(),
          ACK,
          e.toString());
    }
  }

  private void importLegacy(List<LegacySpoolFiles.Legacy> legacy) {
    if (legacy.isEmpty()) {
      return;
    }
    try {
      writer.appendAll(legacy.stream().map(LegacySpoolFiles.Legacy::payload).toList());
      for (LegacySpoolFiles.Legacy l : legacy) {
        Files.deleteIfExists(l.file());
      }
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER,
          "audit spool: per-file events not moved into the journal — " + folder + ": " + e,
          e);
    }
    LOG.info("audit spool: {} events of the per-file spool moved into the journal", legacy.size());
  }

  private IParser parser() {
    // keep versioned references (entity.what of a write) exactly as given
    return fhir.newJsonParser().setStripVersionsFromReferences(false);
  }

  private static FileChannel openForRead(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // read-only
    }
  }

  private static byte[] toArray(ByteBuffer bytes) {
    byte[] out = new byte[bytes.remaining()];
    bytes.duplicate().get(out);
    return out;
  }

  /** Where the writer reports: new segments and durable records. */
  private final class Index implements JournalWriter.Listener {
    @Override
    public void segmentOpened(long base, Path file) {
      synchronized (lock) {
        segments.put(base, file);
      }
    }

    @Override
    public void durable(List<Written> records) {
      synchronized (lock) {
        for (Written w : records) {
          pending.put(w.seq(), w);
        }
        lastDurable = records.get(records.size() - 1).seq();
      }
    }
  }
}
