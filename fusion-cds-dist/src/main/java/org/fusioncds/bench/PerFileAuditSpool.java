package org.fusioncds.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The append of the spool before the journal, kept as the benchmark's baseline: one file per event
 * ({@code <seq>-<id>.json}), written to a temporary name, forced, moved into place atomically, the
 * folder forced. Test scope only.
 */
final class PerFileAuditSpool {

  private final Path folder;
  private final FhirContext fhir = FhirContext.forR4Cached();
  private final AtomicLong lastSeq = new AtomicLong();

  PerFileAuditSpool(Path folder) throws IOException {
    this.folder = Files.createDirectories(folder);
  }

  void append(AuditEvent event) throws IOException {
    String id = event.getIdElement().getIdPart();
    long seq = lastSeq.updateAndGet(prev -> Math.max(prev + 1, nowNanos()));
    String name = String.format("%019d-%s.json", seq, id);
    Path temp = folder.resolve("." + name + ".tmp");
    byte[] bytes =
        fhir.newJsonParser()
            .setStripVersionsFromReferences(false)
            .encodeResourceToString(event)
            .getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
    Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
