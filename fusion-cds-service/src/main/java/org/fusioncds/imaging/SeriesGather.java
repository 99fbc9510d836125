package org.fusioncds.imaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.volume.SliceSource;
import org.fusioncds.dicom.volume.VolumeBuilder;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.dicom.web.FrameFetcher;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.StudySelector;

/**
 * The image branch of the gather step for a volume card: one series of the chosen study over
 * DICOMweb (PS3.18), handed to the volume builder as lazily decoded {@link SliceSource}s.
 *
 * <ol>
 *   <li>QIDO-RS Search for Series of the study: the series of a modality the card accepts, among
 *       those the ImagingStudy lists as eligible (modality and body site); the one with the most
 *       instances wins (the thin reconstruction of a CT), ties by UID.
 *   <li>QIDO-RS Search for Instances of that series (their SOP Instance UIDs, at most {@code
 *       maxInstances}), then one WADO-RS Retrieve Series Metadata: the headers of every slice, so
 *       that the builder checks the whole geometry (too few slices, a missing slice, uneven
 *       spacing, mixed orientations) before a single frame is fetched.
 *   <li>WADO-RS Retrieve Frames, frame 1 of each instance (or, for a series stored as one enhanced
 *       multi-frame instance, such as Enhanced CT, each of its frames: one slice per frame, placed
 *       by its per-frame functional groups), on a pool of {@code parallelFetches} threads shared by
 *       every hook, each decoded on that thread as it arrives ({@link FramePrefetch}), read ahead
 *       of the builder by at most {@code readAhead} frames in the order the builder decodes them
 *       ({@link VolumeBuilder#decodeOrder}): a series never holds more than that many decoded
 *       frames besides the volume itself.
 * </ol>
 */
public final class SeriesGather implements AutoCloseable {

  /**
   * @param parallelFetches threads fetching frames (all hooks together)
   * @param readAhead decoded frames one series may hold before the builder takes them
   * @param maxInstances the most instances a series may have (more: FCDS-2331)
   */
  public record Settings(int parallelFetches, int readAhead, int maxInstances) {
    public Settings {
      if (parallelFetches < 1 || readAhead < 1 || maxInstances < 1) {
        throw new IllegalArgumentException(
            "series fetch settings must be positive — "
                + parallelFetches
                + ", "
                + readAhead
                + ", "
                + maxInstances);
      }
    }
  }

  /** One gathered series: its UID, its slices (frames fetched when the builder asks). */
  public record Series(String seriesUid, List<SliceSource> slices, FramePrefetch frames) {}

  private final Settings settings;
  private final ExecutorService pool;

  public SeriesGather(Settings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "fcds-series-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool = Executors.newFixedThreadPool(settings.parallelFetches(), threads);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The series of {@code studyUid} the volume is built from. {@code eligible} are the series UIDs
   * the ImagingStudy lists with the card's modality and body site (empty: any the PACS has of an
   * accepted modality). The first frames are already being fetched when this returns.
   */
  public Series gather(
      DicomWebClient client, String studyUid, Set<String> eligible, StudySelector selector) {
    String seriesUid = chooseSeries(client, studyUid, eligible, selector);
    List<String> instances = instances(client, studyUid, seriesUid);
    List<Dataset> headers = headers(client, studyUid, seriesUid, instances);
    FrameFetcher fetcher = new FrameFetcher(client);
    List<SliceSource> slices = new ArrayList<>(headers.size());
    FramePrefetch frames;
    if (headers.size() == 1 && frameCount(headers.get(0)) > 1) { // one enhanced multi-frame object
      Dataset enhanced = headers.get(0);
      int count = frameCount(enhanced);
      if (count > settings.maxInstances()) {
        throw new FcdsException(
            ErrorCode.SERIES_TOO_MANY_INSTANCES,
            "the series' multi-frame instance has more frames than dicomweb.series.max-instances"
                + " — "
                + count);
      }
      frames =
          new FramePrefetch(count, pool, settings.readAhead(), i -> fetcher.fetch(enhanced, i));
      for (int i = 0; i < count; i++) {
        slices.add(new SliceSource(enhanced, i, frames.supplier(i)));
      }
    } else {
      frames =
          new FramePrefetch(
              headers.size(), pool, settings.readAhead(), i -> fetcher.fetch(headers.get(i), 0));
      for (int i = 0; i < headers.size(); i++) {
        slices.add(new SliceSource(headers.get(i), 0, frames.supplier(i)));
      }
    }
    frames.order(VolumeBuilder.decodeOrder(slices));
    frames.start();
    return new Series(seriesUid, List.copyOf(slices), frames);
  }

  private static String chooseSeries(
      DicomWebClient client, String studyUid, Set<String> eligible, StudySelector selector) {
    String best = null;
    long bestCount = -1;
    for (JsonNode s : client.searchSeries(studyUid, Map.of())) {
      String uid = text(s, "0020000E");
      String modality = text(s, "00080060");
      if (uid == null || !selector.modalityAllowed(modality)) {
        continue;
      }
      if (!eligible.isEmpty() && !eligible.contains(uid)) {
        continue;
      }
      long count = s.path("00201209").path("Value").path(0).asLong(0);
      if (count > bestCount || (count == bestCount && uid.compareTo(best) < 0)) {
        best = uid;
        bestCount = count;
      }
    }
    if (best == null) {
      throw new FcdsException(
          ErrorCode.SERIES_NONE_ACCEPTED,
          "the PACS has no series of an accepted modality for the study — "
              + (eligible.isEmpty() ? "none eligible" : eligible.size() + " eligible in FHIR"));
    }
    return best;
  }

  private List<String> instances(DicomWebClient client, String studyUid, String seriesUid) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("includefield", "00080018");
    query.put("limit", Integer.toString(settings.maxInstances() + 1));
    Set<String> uids = new LinkedHashSet<>();
    for (JsonNode n : client.searchInstances(studyUid, seriesUid, query)) {
      String uid = text(n, "00080018");
      if (uid != null) {
        uids.add(uid);
      }
    }
    if (uids.isEmpty()) {
      throw new FcdsException(
          ErrorCode.SERIES_WITHOUT_INSTANCES, "series has no instances on the PACS — " + seriesUid);
    }
    if (uids.size() > settings.maxInstances()) {
      throw new FcdsException(
          ErrorCode.SERIES_TOO_MANY_INSTANCES,
          "series has more instances than dicomweb.series.max-instances — over "
              + settings.maxInstances());
    }
    return List.copyOf(uids);
  }

  /** The header of every instance QIDO listed, from one series metadata answer, in that order. */
  private static List<Dataset> headers(
      DicomWebClient client, String studyUid, String seriesUid, List<String> instances) {
    List<Dataset> all =
        DicomJson.read(
            DicomJson.MAPPER.valueToTree(client.retrieveSeriesMetadata(studyUid, seriesUid)));
    Map<String, Dataset> byUid = new LinkedHashMap<>();
    for (Dataset d : all) {
      String uid = d.getString(Tag.SOPInstanceUID);
      if (uid != null) {
        byUid.put(uid, d);
      }
    }
    List<Dataset> out = new ArrayList<>(instances.size());
    for (String uid : instances) {
      Dataset d = byUid.get(uid);
      if (d == null) {
        throw new FcdsException(
            ErrorCode.SERIES_METADATA_MISSING,
            "the series metadata lacks an instance the search listed — " + uid);
      }
      if (instances.size() > 1 && frameCount(d) > 1) {
        throw new FcdsException(
            ErrorCode.SERIES_MULTI_FRAME,
            "a multi-frame instance among the "
                + instances.size()
                + " instances of a series (slices are either one instance each or the frames of one"
                + " instance) — "
                + frameCount(d)
                + " frames in "
                + uid);
      }
      out.add(d);
    }
    return out;
  }

  private static int frameCount(Dataset header) {
    return header.getInt(Tag.NumberOfFrames, 1);
  }

  private static String text(JsonNode n, String tag) {
    JsonNode v = n.path(tag).path("Value").path(0);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
