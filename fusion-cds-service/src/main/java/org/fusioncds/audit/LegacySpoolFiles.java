package org.fusioncds.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The spool format before the journal (one file per event, {@code <seq>-<id>.json}, temporaries
 * {@code .<name>.tmp}), read once when the spool opens so that events a previous version left are
 * shipped first: each file that parses is appended to the journal ahead of any new event and then
 * deleted; one that does not parse (or whose sequence number overflows) goes to {@code quarantine/}
 * as FCDS-7072; temporaries are deleted. A crash between the append and the delete imports a file
 * twice, which the repository's PUT by id makes harmless.
 */
final class LegacySpoolFiles {

  /** A legacy file that parsed: its path and the event as journal payload. */
  record Legacy(Path file, byte[] payload) {}

  private static final Pattern NAME = Pattern.compile("(\\d{19})-([A-Za-z0-9\\-.]{1,64})\\.json");
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private LegacySpoolFiles() {}

  /** The legacy events in append (name) order; the unreadable ones are quarantined on the way. */
  static List<Legacy> read(Path folder, AuditSpool spool) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.sorted().toList();
    }
    List<Legacy> found = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.startsWith(".") && name.endsWith(".tmp")) {
        Files.deleteIfExists(file); // a crash before the rename: never acknowledged
      } else if (NAME.matcher(name).matches()) {
        Legacy legacy = parse(file, spool);
        if (legacy != null) {
          found.add(legacy);
        }
      }
    }
    return found;
  }

  private static Legacy parse(Path file, AuditSpool spool) throws IOException {
    try {
      Long.parseLong(file.getFileName().toString().substring(0, 19));
    } catch (NumberFormatException e) {
      spool.quarantineFile(file, "sequence number out of range");
      return null;
    }
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      AuditEvent event = FHIR.newJsonParser().parseResource(AuditEvent.class, json);
      if (!event.getIdElement().hasIdPart()) {
        spool.quarantineFile(file, "no id");
        return null;
      }
      return new Legacy(file, json.getBytes(StandardCharsets.UTF_8));
    } catch (DataFormatException | ClassCastException e) {
      spool.quarantineFile(file, e.getClass().getSimpleName());
      return null;
    }
  }
}
