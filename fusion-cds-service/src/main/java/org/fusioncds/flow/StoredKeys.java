package org.fusioncds.flow;

import java.util.Set;

/**
 * The result keys of the patient's reports on the FHIR server, read beside the labs ({@code
 * DiagnosticReport?subject=…&identifier=<result-key system>|}): what lets the cached-path lookup be
 * skipped for a case no report carries yet, the usual first call after new data. {@code complete}:
 * the answer was one page and not full, so a key not among them had no report when the case was
 * read. {@link #UNKNOWN}: not read, or not read whole (the search failed, or paged).
 */
public record StoredKeys(Set<String> keys, boolean complete) {

  /** Nothing known: every key is looked up. */
  public static final StoredKeys UNKNOWN = new StoredKeys(Set.of(), false);

  public StoredKeys {
    keys = Set.copyOf(keys);
  }

  /**
   * True when no report carried {@code key} as the case was read: its lookup would find nothing (a
   * report a concurrent write leaves after that lands at the id the key gives, as it would after a
   * lookup).
   */
  public boolean rulesOut(ResultKey key) {
    return complete && !keys.contains(key.value());
  }
}
