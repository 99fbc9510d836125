package org.fusioncds.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM files below a folder, indexed by their content (Study, Series and SOP Instance UID of
 * each header, PS3.3 C.7 and C.12), not by their names. Headers are read once, at build time; bulk
 * values (pixel data among them) stay on disk and are read again per request. Files that are not
 * DICOM, or lack one of the three UIDs, are skipped and counted.
 */
final class DicomFolderIndex {

  /** One instance: its file, its header (bulk values not loaded) and its transfer syntax. */
  record Instance(Path file, Dataset dataset, String transferSyntaxUid) {

    String uid(int tag) {
      return dataset.getString(tag);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(DicomFolderIndex.class);

  /** study UID → series UID → SOP instance UID → instance, each level sorted by UID. */
  private final Map<String, Map<String, Map<String, Instance>>> studies = new TreeMap<>();

  private int skipped;

  private DicomFolderIndex() {}

  /** Reads the header of every regular file below {@code root}; FCDS-8020 if it is no folder. */
  static DicomFolderIndex build(Path root) {
    if (!Files.isDirectory(root)) {
      throw new SandboxException(
          ErrorCode.DICOMWEB_ROOT_NOT_FOLDER, "DICOMweb root is not a folder — " + root);
    }
    DicomFolderIndex index = new DicomFolderIndex();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).sorted().forEach(index::add);
    } catch (IOException e) {
      throw new SandboxException(
          ErrorCode.DICOMWEB_ROOT_UNREADABLE, "cannot list the DICOMweb root — " + root, e);
    }
    LOG.info(
        "DICOMweb sandbox: {} studies, {} instances indexed, {} files skipped",
        index.studies.size(),
        index.instanceCount(),
        index.skipped);
    return index;
  }

  private void add(Path file) {
    Instance instance;
    try (DicomFile f = DicomReader.read(file)) {
      instance = new Instance(file, f.dataset(), f.transferSyntaxUid());
    } catch (FcdsException e) {
      skipped++;
      LOG.debug("DICOMweb sandbox: skipped a file: FCDS-{}", e.code());
      return;
    }
    String study = instance.uid(Tag.StudyInstanceUID);
    String series = instance.uid(Tag.SeriesInstanceUID);
    String sop = instance.uid(Tag.SOPInstanceUID);
    if (study == null || series == null || sop == null) {
      skipped++;
      return;
    }
    Map<String, Instance> instances =
        studies
            .computeIfAbsent(study, k -> new TreeMap<>())
            .computeIfAbsent(series, k -> new TreeMap<>());
    if (instances.putIfAbsent(sop, instance) != null) {
      skipped++;
      LOG.warn("DICOMweb sandbox: a second file with SOP Instance UID {} skipped", sop);
    }
  }

  /** Study UIDs, sorted. */
  Collection<String> studyUids() {
    return studies.keySet();
  }

  /** The series of a study (UID → instances), or FCDS-8030 (404) when the study is unknown. */
  Map<String, Map<String, Instance>> study(String studyUid) {
    Map<String, Map<String, Instance>> s = studies.get(studyUid);
    if (s == null) {
      throw new DicomWebError(ErrorCode.NO_SUCH_STUDY, "no such study — " + studyUid);
    }
    return s;
  }

  /** The instances of a series, or FCDS-8030/8031 (404). */
  Map<String, Instance> series(String studyUid, String seriesUid) {
    Map<String, Instance> s = study(studyUid).get(seriesUid);
    if (s == null) {
      throw new DicomWebError(
          ErrorCode.NO_SUCH_SERIES, "no such series in study " + studyUid + " — " + seriesUid);
    }
    return s;
  }

  /** One instance, or FCDS-8030/8031/8032 (404). */
  Instance instance(String studyUid, String seriesUid, String sopUid) {
    Instance i = series(studyUid, seriesUid).get(sopUid);
    if (i == null) {
      throw new DicomWebError(
          ErrorCode.NO_SUCH_INSTANCE, "no such instance in series " + seriesUid + " — " + sopUid);
    }
    return i;
  }

  /** Every instance of a study, by series then instance UID. */
  List<Instance> studyInstances(String studyUid) {
    return study(studyUid).values().stream().flatMap(m -> m.values().stream()).toList();
  }

  int instanceCount() {
    return studies.values().stream().flatMap(s -> s.values().stream()).mapToInt(Map::size).sum();
  }

  int skipped() {
    return skipped;
  }
}
