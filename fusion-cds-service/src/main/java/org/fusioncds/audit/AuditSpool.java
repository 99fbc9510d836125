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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable queue of AuditEvents (FHIR R4 JSON) on disk, one file per event named {@code
 * <seq>-<id>.json}: written to a temporary name, forced to disk, moved into place atomically, the
 * directory forced where the platform allows. {@code seq} is the wall clock in nanoseconds, kept
 * strictly increasing within a process and above every file already there, so name order is append
 * order across restarts. Temporary files a crash left behind are ignored and deleted when the spool
 * opens; a file that does not parse is moved to {@code quarantine/} (never deleted) and logged as
 * FCDS-7072. One process per folder.
 */
public final class AuditSpool {

  /** One spooled event. */
  public record Entry(Path file, long seq, String id, AuditEvent event) {}

  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private static final Pattern NAME = Pattern.compile("(\\d{19})-([A-Za-z0-9\\-.]{1,64})\\.json");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path folder;
  private final Path quarantine;
  private final FhirContext fhir = FhirContext.forR4Cached();
  private final AtomicLong lastSeq = new AtomicLong();

  /**
   * Opens (creating when needed) the spool in this folder.
   *
   * @throws FcdsException 7074 when the folder cannot be created or read
   */
  public AuditSpool(Path folder) {
    this.folder = folder;
    this.quarantine = folder.resolve("quarantine");
    try {
      Files.createDirectories(quarantine);
      deleteTemporaryFiles();
      lastSeq.set(highestSeq());
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER, "audit spool folder unusable — " + folder + ": " + e, e);
    }
  }

  /** The folder of the spool. */
  public Path folder() {
    return folder;
  }

  /**
   * Writes the event durably; when this returns, the event survives a crash.
   *
   * @throws FcdsException 7070 when the event has no id usable in a file name, 7071 when it cannot
   *     be written (callers fail closed)
   */
  public void append(AuditEvent event) {
    String id = event.getIdElement().getIdPart();
    if (id == null || !ID.matcher(id).matches()) {
      throw new FcdsException(ErrorCode.AUDIT_EVENT_ID, "AuditEvent without a usable id — " + id);
    }
    long seq = lastSeq.updateAndGet(prev -> Math.max(prev + 1, nowNanos()));
    String name = String.format("%019d-%s.json", seq, id);
    Path temp = folder.resolve("." + name + TEMP_SUFFIX);
    try {
      write(temp, parser().encodeResourceToString(event).getBytes(StandardCharsets.UTF_8));
      Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      forceDirectory();
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      throw new FcdsException(
          ErrorCode.AUDIT_NOT_SPOOLED, "audit event not spooled — " + name + ": " + e, e);
    }
  }

  /**
   * Up to {@code max} events, oldest first; files that do not parse are quarantined on the way.
   *
   * @throws FcdsException 7074 when the folder cannot be listed
   */
  public List<Entry> oldest(int max) {
    List<Path> files;
    try (Stream<Path> names = names()) {
      files = names.sorted().limit(max).toList();
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER, "audit spool folder unreadable — " + folder + ": " + e, e);
    }
    return files.stream().map(this::read).filter(e -> e != null).toList();
  }

  /** Deletes a shipped entry (gone already is fine). */
  public void remove(Entry entry) {
    try {
      Files.deleteIfExists(entry.file());
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER,
          "audit spool entry not removed — " + entry.file() + ": " + e);
    }
  }

  /** The number of events waiting (quarantined files not counted). */
  public int size() {
    try (Stream<Path> names = names()) {
      return (int) names.count();
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.AUDIT_SPOOL_FOLDER, "audit spool folder unreadable — " + folder + ": " + e, e);
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

  /** Moves an entry to {@code quarantine/}, logging the code and why (never the content). */
  void quarantine(Path file, ErrorCode code, String why) {
    try {
      Files.move(file, quarantine.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      LOG.error(
          "{}: audit spool file quarantined — {}: {}", code.codeText(), file.getFileName(), why);
    } catch (IOException e) {
      LOG.error("{}: audit spool file could not be quarantined — {}: {}", code.codeText(), file, e);
    }
  }

  private Entry read(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      AuditEvent event = parser().parseResource(AuditEvent.class, json);
      return new Entry(file, Long.parseLong(m.group(1)), m.group(2), event);
    } catch (DataFormatException | IOException | ClassCastException | NumberFormatException e) {
      quarantine(file, ErrorCode.AUDIT_QUARANTINED, e.getClass().getSimpleName());
      return null;
    }
  }

  private IParser parser() {
    // keep versioned references (entity.what of a write) exactly as given
    return fhir.newJsonParser().setStripVersionsFromReferences(false);
  }

  private Stream<Path> names() throws IOException {
    return Files.list(folder).filter(p -> NAME.matcher(p.getFileName().toString()).matches());
  }

  /** The highest sequence number on disk; a name whose number overflows is quarantined. */
  private long highestSeq() throws IOException {
    long max = 0;
    try (Stream<Path> names = names()) {
      for (Path p : names.toList()) {
        try {
          max = Math.max(max, Long.parseLong(p.getFileName().toString().substring(0, 19)));
        } catch (NumberFormatException e) {
          quarantine(p, ErrorCode.AUDIT_QUARANTINED, "sequence number out of range");
        }
      }
    }
    return max;
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static void write(Path temp, byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
  }

  /** Makes the rename durable; not every platform lets a directory be opened (Windows). */
  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here: the rename is still atomic, only its durability is the OS's
    }
  }

  private void deleteTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(TEMP_SUFFIX)).toList()) {
        deleteQuietly(p);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("audit spool: temporary file not deleted — {}: {}", p.getFileName(), e.toString());
    }
  }
}
