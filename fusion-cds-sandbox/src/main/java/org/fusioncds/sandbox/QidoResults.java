package org.fusioncds.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.sandbox.DicomFolderIndex.Instance;

/**
 * QIDO-RS results (PS3.18 10.6.3): one DICOM JSON object per matching study, series or instance,
 * holding the default attributes of Tables 10.6.3-3, -4 and -5 that the files carry, the computed
 * ones (ModalitiesInStudy, the NumberOf…Related… counts, RetrieveURL, InstanceAvailability), every
 * matching key and every {@code includefield}. A study's or series' attributes come from its first
 * instance (by UID).
 */
final class QidoResults {

  private static final int INSTANCE_AVAILABILITY = 0x00080056;
  private static final int MODALITIES_IN_STUDY = 0x00080061;
  private static final int REFERRING_PHYSICIAN_NAME = 0x00080090;
  private static final int TIMEZONE_OFFSET = 0x00080201;
  private static final int RETRIEVE_URL = 0x00081190;
  private static final int STUDY_SERIES = 0x00201206;
  private static final int STUDY_INSTANCES = 0x00201208;
  private static final int SERIES_INSTANCES = 0x00201209;
  private static final int PPS_START_DATE = 0x00400244;
  private static final int PPS_START_TIME = 0x00400245;

  private static final List<Integer> STUDY =
      List.of(
          Tag.SpecificCharacterSet,
          Tag.StudyDate,
          Tag.StudyTime,
          Tag.AccessionNumber,
          INSTANCE_AVAILABILITY,
          MODALITIES_IN_STUDY,
          REFERRING_PHYSICIAN_NAME,
          TIMEZONE_OFFSET,
          RETRIEVE_URL,
          Tag.PatientName,
          Tag.PatientID,
          Tag.PatientBirthDate,
          Tag.PatientSex,
          Tag.StudyInstanceUID,
          Tag.StudyID,
          STUDY_SERIES,
          STUDY_INSTANCES);
  private static final List<Integer> SERIES =
      List.of(
          Tag.SpecificCharacterSet,
          Tag.Modality,
          TIMEZONE_OFFSET,
          Tag.SeriesDescription,
          RETRIEVE_URL,
          Tag.StudyInstanceUID,
          Tag.SeriesInstanceUID,
          Tag.SeriesNumber,
          SERIES_INSTANCES,
          PPS_START_DATE,
          PPS_START_TIME,
          Tag.BodyPartExamined);
  private static final List<Integer> INSTANCE =
      List.of(
          Tag.SpecificCharacterSet,
          Tag.SOPClassUID,
          Tag.SOPInstanceUID,
          INSTANCE_AVAILABILITY,
          TIMEZONE_OFFSET,
          RETRIEVE_URL,
          Tag.StudyInstanceUID,
          Tag.SeriesInstanceUID,
          Tag.Modality,
          Tag.InstanceNumber,
          Tag.Rows,
          Tag.Columns,
          Tag.BitsAllocated,
          Tag.NumberOfFrames);

  private final DicomFolderIndex index;
  private final String baseUrl;

  QidoResults(DicomFolderIndex index, String baseUrl) {
    this.index = index;
    this.baseUrl = baseUrl;
  }

  /** Search for Studies. */
  List<ObjectNode> studies(QidoQuery q) {
    List<Dataset> candidates = new ArrayList<>();
    for (String uid : index.studyUids()) {
      candidates.add(study(uid));
    }
    return answer(candidates, q, STUDY);
  }

  /** Search for Series, of one study or (studyUid null) of all. */
  List<ObjectNode> series(String studyUid, QidoQuery q) {
    List<Dataset> candidates = new ArrayList<>();
    for (String study : studyUid == null ? index.studyUids() : List.of(studyUid)) {
      for (Map.Entry<String, Map<String, Instance>> s : index.study(study).entrySet()) {
        candidates.add(series(study, s.getKey(), s.getValue().values()));
      }
    }
    return answer(candidates, q, SERIES);
  }

  /** Search for Instances, of one series, one study (seriesUid null) or all (both null). */
  List<ObjectNode> instances(String studyUid, String seriesUid, QidoQuery q) {
    List<Dataset> candidates = new ArrayList<>();
    for (String study : studyUid == null ? index.studyUids() : List.of(studyUid)) {
      Collection<Instance> instances =
          seriesUid == null ? index.studyInstances(study) : index.series(study, seriesUid).values();
      for (Instance i : instances) {
        candidates.add(instance(i));
      }
    }
    return answer(candidates, q, INSTANCE);
  }

  private Dataset study(String uid) {
    List<Instance> all = index.studyInstances(uid);
    Set<String> modalities = new TreeSet<>();
    all.forEach(i -> modalities.addAll(i.dataset().getStrings(Tag.Modality)));
    modalities.remove("");
    Dataset ds = copy(all.get(0).dataset());
    if (!modalities.isEmpty()) {
      ds.putString(MODALITIES_IN_STUDY, VR.CS, modalities.toArray(String[]::new));
    }
    ds.putString(STUDY_SERIES, VR.IS, String.valueOf(index.study(uid).size()));
    ds.putString(STUDY_INSTANCES, VR.IS, String.valueOf(all.size()));
    ds.putString(RETRIEVE_URL, VR.UR, baseUrl + "/studies/" + uid);
    return ds;
  }

  private Dataset series(String study, String uid, Collection<Instance> instances) {
    Dataset ds = copy(instances.iterator().next().dataset());
    ds.putString(SERIES_INSTANCES, VR.IS, String.valueOf(instances.size()));
    ds.putString(RETRIEVE_URL, VR.UR, baseUrl + "/studies/" + study + "/series/" + uid);
    return ds;
  }

  private Dataset instance(Instance i) {
    Dataset ds = copy(i.dataset());
    String url =
        String.format(
            "%s/studies/%s/series/%s/instances/%s",
            baseUrl,
            i.uid(Tag.StudyInstanceUID),
            i.uid(Tag.SeriesInstanceUID),
            i.uid(Tag.SOPInstanceUID));
    ds.putString(RETRIEVE_URL, VR.UR, url);
    return ds;
  }

  private static Dataset copy(Dataset source) {
    Dataset ds = new Dataset(source.charset());
    source.elements().forEach(ds::put);
    ds.putString(INSTANCE_AVAILABILITY, VR.CS, "ONLINE");
    return ds;
  }

  private static List<ObjectNode> answer(
      List<Dataset> candidates, QidoQuery q, List<Integer> tags) {
    List<Dataset> matching = candidates.stream().filter(q::matches).toList();
    Set<Integer> wanted = new LinkedHashSet<>(tags);
    q.keys().forEach(m -> wanted.add(m.tag()));
    wanted.addAll(q.includeFields());
    return q.page(matching).stream().map(ds -> project(ds, wanted, q.includeAll())).toList();
  }

  private static ObjectNode project(Dataset ds, Set<Integer> wanted, boolean all) {
    if (all) {
      return DicomJson.toJson(ds);
    }
    Dataset out = new Dataset(ds.charset());
    for (int tag : wanted) {
      Element e = ds.get(tag);
      if (e != null) {
        out.put(e);
      }
    }
    return DicomJson.toJson(out);
  }
}
