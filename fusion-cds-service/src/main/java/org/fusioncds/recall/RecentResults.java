package org.fusioncds.recall;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;

/**
 * The bounded in-memory index of the last result per patient and FHIR server: the input versions it
 * was computed from, the study the model card chose, the report (URL, version) and what the card
 * shows. Holds PHI in memory only (never logged, never written). Bounded by entries (least recently
 * used go first) and by age; an entry is only a hint: the freshness check proves it against the
 * FHIR server before any answer uses it.
 */
public final class RecentResults {

  /**
   * One remembered result.
   *
   * @param studyReference the versioned reference of the study the model card chose
   * @param reportId the DiagnosticReport's logical id
   * @param reportVersion its version id when it was written or read
   */
  public record Entry(
      InputVersions versions,
      String studyReference,
      ResultKey key,
      String reportUrl,
      String reportId,
      String reportVersion,
      ReportRequest report) {}

  private final Cache<String, Entry> entries;

  /**
   * @param maxEntries at most this many patients (0 turns the index off)
   * @param maxAge an entry older than this is forgotten
   */
  public RecentResults(long maxEntries, Duration maxAge) {
    if (maxEntries < 0 || maxAge.isNegative()) {
      throw new IllegalArgumentException(
          "cds.recall.max-entries and cds.recall.max-age-s must not be negative, got "
              + maxEntries
              + " and "
              + maxAge.toSeconds());
    }
    this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(maxAge).build();
  }

  public Optional<Entry> get(String fhirBase, String patientId) {
    return Optional.ofNullable(entries.getIfPresent(key(fhirBase, patientId)));
  }

  public void put(String fhirBase, String patientId, Entry entry) {
    entries.put(key(fhirBase, patientId), entry);
  }

  public void forget(String fhirBase, String patientId) {
    entries.invalidate(key(fhirBase, patientId));
  }

  /** How many entries the index holds now (approximate while entries are evicted). */
  public long size() {
    return entries.estimatedSize();
  }

  /** Runs pending evictions now (Caffeine evicts lazily). */
  public void cleanUp() {
    entries.cleanUp();
  }

  private static String key(String fhirBase, String patientId) {
    return fhirBase + '\n' + patientId;
  }
}
