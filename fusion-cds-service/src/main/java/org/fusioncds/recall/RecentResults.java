package org.fusioncds.recall;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.ResultKey;
import org.hl7.fhir.r4.model.ImagingStudy;

/**
 * The bounded in-memory index of the last result per patient and FHIR server: the input versions it
 * was computed from, the patient's studies and the one the model card chose, the report (URL,
 * version) and what the card shows. Holds PHI in memory only (never logged, never written). Bounded
 * by entries (least recently used go first) and by age; an entry is only a hint: the freshness
 * check proves it against the FHIR server before any answer uses it.
 *
 * <p>With a {@link ChangeFeed}, the index is kept true by the feed's polls ({@link #apply}): a
 * change of a remembered input or report forgets its entry, and a change that reaches a case while
 * it is being gathered leaves a mark that keeps its result out ({@link #putIfFresh}). A poll that
 * could not read every change (an overflow: a bulk load) forgets nothing but leaves every entry of
 * its server unproven ({@link #provenByFeed} is empty) until a hook's own FHIR batch, begun after
 * that poll, proves it against the server again ({@link #proved}).
 */
public final class RecentResults {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RecentResults.class);

  /**
   * One remembered result.
   *
   * @param studies every ImagingStudy of the patient the gather read, within the card's age or not
   *     (the card's choice among them, and which are within age, depend on the time of the hook)
   * @param gatheredAt the time the case was evaluated as of (its hook's arrival, a backfill job's
   *     study time)
   * @param studyReference the versioned reference of the study the model card chose
   * @param reportId the DiagnosticReport's logical id
   * @param reportVersion its version id when it was written or read
   * @param prefetched the prefetch keys whose data the case was gathered from (the EHR's copy, not
   *     read from the server): the feed cannot vouch for them, so only a hook that prefetches them
   *     again, in the same versions, is answered from this entry
   */
  public record Entry(
      InputVersions versions,
      List<ImagingStudy> studies,
      java.time.Instant gatheredAt,
      String studyReference,
      ResultKey key,
      String reportUrl,
      String reportId,
      String reportVersion,
      ReportRequest report,
      Set<String> prefetched) {

    public Entry {
      prefetched = Set.copyOf(prefetched);
    }

    /** Whether the entry was computed from (or is) exactly this {@code Type/id/_history/v}. */
    boolean knows(String versioned) {
      return versions.references().contains(versioned)
          || versioned.equals("DiagnosticReport/" + reportId + "/_history/" + reportVersion);
    }

    /** {@code Type/id} of every input and of the report. */
    List<String> refs() {
      List<String> out = new ArrayList<>(versions.references().size() + 1);
      for (String v : versions.references()) {
        out.add(v.substring(0, v.indexOf("/_history/")));
      }
      out.add("DiagnosticReport/" + reportId);
      return out;
    }
  }

  /**
   * An entry and the last feed poll after which it was gathered or proved against the server (an
   * overflow of a later poll leaves it unproven).
   */
  private static final class Held {
    final Entry entry;
    volatile long provedAfter;

    Held(Entry entry, long provedAfter) {
      this.entry = entry;
      this.provedAfter = provedAfter;
    }

    Entry entry() {
      return entry;
    }
  }

  /** A change a poll saw: its number and the version it made. */
  private record Mark(long seq, String versioned, Instant at) {}

  /** Marks are kept this long: longer than any gather, else its result is not remembered. */
  private static final Duration MARKS_KEPT = Duration.ofMinutes(10);

  private final Cache<String, Held> entries;

  /**
   * {@code base \n Type/id} → the patient keys whose entries hold it (guarded by {@code this}).
   * More than one when a resource moved between patients (a lab filed to the wrong patient and
   * corrected): each patient's entry read it in its own version, and a change must reach both.
   */
  private final Map<String, Set<String>> owners = new HashMap<>();

  /**
   * Entries the cache dropped (evicted, expired, forgotten), whose links in {@link #owners} go at
   * the next synchronized step: the cache tells of a removal after it happened, on any thread, when
   * the patient may hold a new entry already; only under {@code this} can a link be told apart from
   * one the new entry needs.
   */
  private final java.util.Queue<Map.Entry<String, Entry>> dropped =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** {@code base \n Patient/id or Type/id} → changes polls saw (guarded by {@code this}). */
  private final Map<String, List<Mark>> marks = new HashMap<>();

  /** Per base: the last poll number whose marks were dropped. */
  private final Map<String, Long> marksDroppedThrough = new HashMap<>();

  /**
   * When each server's marks were last swept: a sweep walks every mark of the index (10 minutes of
   * changes), so it runs at most once a {@link #SWEEP_EVERY}, not on every poll (tens a second
   * under load). A mark kept a little longer only keeps a result out a little longer.
   */
  private final Map<String, Instant> lastSweep = new HashMap<>();

  private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

  /**
   * Resources (and patients) with marks, at most, over all servers: a bulk load changes more in 10
   * minutes than any gather needs told (its polls overflow, and overflow keeps older gathers out
   * anyway). Past it a server's marks are dropped at once, which keeps out every result gathered
   * before that poll, as marks too old to keep do.
   */
  static final int MAX_MARKED = 200_000;

  private final int maxMarked;

  /**
   * Per base: the number of the last poll that overflowed (read by every hook, hence concurrent).
   */
  private final Map<String, Long> overflows = new ConcurrentHashMap<>();

  /**
   * @param maxEntries at most this many patients (0 turns the index off)
   * @param maxAge an entry older than this is forgotten
   */
  public RecentResults(long maxEntries, Duration maxAge) {
    this(maxEntries, maxAge, MAX_MARKED);
  }

  /** As {@link #RecentResults(long, Duration)}, with at most {@code maxMarked} marked resources. */
  RecentResults(long maxEntries, Duration maxAge, int maxMarked) {
    this.maxMarked = maxMarked;
    if (maxEntries < 0 || maxAge.isNegative()) {
      throw new IllegalArgumentException(
          "cds.recall.max-entries and cds.recall.max-age-s must not be negative, got "
              + maxEntries
              + " and "
              + maxAge.toSeconds());
    }
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfterWrite(maxAge)
            .executor(Runnable::run)
            .<String, Held>removalListener(
                (key, held, cause) -> {
                  if (key != null && held != null && cause != RemovalCause.REPLACED) {
                    dropped.add(Map.entry(key, held.entry()));
                  }
                })
            .build();
  }

  public Optional<Entry> get(String fhirBase, String patientId) {
    return Optional.ofNullable(entries.getIfPresent(key(fhirBase, patientId))).map(Held::entry);
  }

  /**
   * The entry, when the base's feed can vouch for it: no poll since it was gathered or last proved
   * overflowed. Empty otherwise (then a hook proves it by its own batch, or gathers).
   */
  public Optional<Entry> provenByFeed(String fhirBase, String patientId) {
    Held held = entries.getIfPresent(key(fhirBase, patientId));
    return held == null || held.provedAfter < overflows.getOrDefault(fhirBase, 0L)
        ? Optional.empty()
        : Optional.of(held.entry());
  }

  /**
   * A hook's own FHIR batch, begun after poll {@code provedAfter} of the base's feed had completed,
   * read every input and the report from the server in the versions of {@code entry}: the feed may
   * vouch for it again (every change the overflowing polls missed was committed before the batch;
   * every later one is a later poll's). Nothing happens when the patient's entry is no longer this
   * one (a poll forgot or replaced it meanwhile) or was proved after a later poll already. The
   * entry's age still counts from its gather.
   */
  public synchronized void proved(
      String fhirBase, String patientId, Entry entry, long provedAfter) {
    Held held = entries.getIfPresent(key(fhirBase, patientId));
    if (held != null && held.entry == entry && held.provedAfter < provedAfter) {
      held.provedAfter = provedAfter;
    }
  }

  /** Remembers a result whose freshness each hook proves on its own (the per-hook batch). */
  public synchronized void put(String fhirBase, String patientId, Entry entry) {
    entries.put(key(fhirBase, patientId), new Held(entry, 0));
    unlinkDropped();
  }

  /**
   * Remembers a result gathered after poll {@code gatheredAfter} of the base's change feed, unless
   * a later poll saw a change the gather may have missed: of the patient's inputs (a new lab, study
   * or condition, the patient), of a resource it read, or of its report. False when it is not
   * remembered.
   */
  public synchronized boolean putIfFresh(
      String fhirBase, String patientId, Entry entry, long gatheredAfter) {
    if (gatheredAfter < marksDroppedThrough.getOrDefault(fhirBase, 0L)
        || gatheredAfter < overflows.getOrDefault(fhirBase, 0L)) {
      return false;
    }
    List<String> watched = new ArrayList<>(entry.refs());
    watched.add("Patient/" + patientId + "#inputs");
    for (String w : watched) {
      for (Mark m : marks.getOrDefault(fhirBase + '\n' + w, List.of())) {
        if (m.seq() > gatheredAfter && !entry.knows(m.versioned())) {
          return false;
        }
      }
    }
    String k = key(fhirBase, patientId);
    Held old = entries.getIfPresent(k);
    entries.put(k, new Held(entry, gatheredAfter));
    if (old != null) {
      dropped.add(Map.entry(k, old.entry()));
    }
    unlinkDropped();
    entry
        .refs()
        .forEach(
            ref -> owners.computeIfAbsent(fhirBase + '\n' + ref, r -> new HashSet<>(2)).add(k));
    return true;
  }

  /**
   * Removes the links of dropped entries, but not those the patient's entry now holds (under {@code
   * this}: {@link #putIfFresh} links a new entry under it too).
   */
  private void unlinkDropped() {
    for (Map.Entry<String, Entry> d; (d = dropped.poll()) != null; ) {
      String key = d.getKey();
      String base = key.substring(0, key.indexOf('\n'));
      Held now = entries.getIfPresent(key);
      Set<String> held = now == null ? Set.of() : new HashSet<>(now.entry().refs());
      for (String ref : d.getValue().refs()) {
        if (!held.contains(ref)) {
          owners.computeIfPresent(
              base + '\n' + ref, (r, keys) -> keys.remove(key) && keys.isEmpty() ? null : keys);
        }
      }
    }
  }

  /**
   * What a poll of the base's change feed saw: each change forgets the entry that holds the
   * resource in another version, and the entry of the patient it is about when {@code aboutInputs}
   * says the patient's gather would read it. An overflow (changes the poll could not read) leaves
   * every entry of the base unproven until a hook's own batch proves it ({@link #proved}), and
   * keeps results gathered before it out. Each change leaves a mark for {@link #putIfFresh}.
   */
  public synchronized void apply(
      String fhirBase, ChangeFeed.Changes changes, Predicate<ChangeFeed.Change> aboutInputs) {
    Instant now = Instant.now();
    dropOldMarks(fhirBase, now);
    if (changes.overflow()) {
      overflows.put(fhirBase, changes.seq());
    }
    unlinkDropped();
    if (marks.size() + 2L * changes.changes().size() > maxMarked) {
      dropMarks(fhirBase, changes.seq());
    }
    for (ChangeFeed.Change c : changes.changes()) {
      Mark mark = new Mark(changes.seq(), c.versioned(), now);
      marks.computeIfAbsent(fhirBase + '\n' + c.ref(), k -> new ArrayList<>()).add(mark);
      for (String owner : List.copyOf(owners.getOrDefault(fhirBase + '\n' + c.ref(), Set.of()))) {
        forgetUnless(owner, c.versioned());
      }
      if (c.patientId() != null && aboutInputs.test(c)) {
        marks
            .computeIfAbsent(
                fhirBase + '\n' + "Patient/" + c.patientId() + "#inputs", k -> new ArrayList<>())
            .add(mark);
        forgetUnless(key(fhirBase, c.patientId()), c.versioned());
      }
    }
  }

  private void forgetUnless(String key, String versioned) {
    if (key == null) {
      return;
    }
    Held held = entries.getIfPresent(key);
    if (held != null && !held.entry().knows(versioned)) {
      entries.invalidate(key);
    }
  }

  private void dropOldMarks(String fhirBase, Instant now) {
    Instant last = lastSweep.get(fhirBase);
    if (last != null && now.isBefore(last.plus(SWEEP_EVERY))) {
      return;
    }
    lastSweep.put(fhirBase, now);
    Instant oldest = now.minus(MARKS_KEPT);
    String prefix = fhirBase + '\n';
    long[] dropped = {marksDroppedThrough.getOrDefault(fhirBase, 0L)};
    marks
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().startsWith(prefix)) {
                return false;
              }
              e.getValue()
                  .removeIf(
                      m -> {
                        boolean old = m.at().isBefore(oldest);
                        if (old) {
                          dropped[0] = Math.max(dropped[0], m.seq());
                        }
                        return old;
                      });
              return e.getValue().isEmpty();
            });
    marksDroppedThrough.put(fhirBase, dropped[0]);
  }

  /**
   * Drops every mark of the server, as if through poll {@code seq}: a result gathered before that
   * poll is not remembered ({@link #putIfFresh}).
   */
  private void dropMarks(String fhirBase, long seq) {
    String prefix = fhirBase + '\n';
    marks.keySet().removeIf(k -> k.startsWith(prefix));
    marksDroppedThrough.merge(fhirBase, seq, Math::max);
    LOG.warn(
        "more than {} resources changed within {} min: the change marks of a server are dropped,"
            + " results gathered before poll {} are not remembered",
        maxMarked,
        MARKS_KEPT.toMinutes(),
        seq);
  }

  /** Resources and patients with marks now, over all servers. */
  synchronized int marked() {
    return marks.size();
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
