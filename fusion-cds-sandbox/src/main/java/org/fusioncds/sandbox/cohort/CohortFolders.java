package org.fusioncds.sandbox.cohort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/** The layout of a cohort folder: {@code fhir/}, {@code dicom/<study>/}, {@code labels.csv}. */
final class CohortFolders {

  private final Path root;

  private CohortFolders(Path root) {
    this.root = root;
  }

  /** Creates {@code root} with its subfolders; it must be new or empty. */
  static CohortFolders create(Path root) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new FcdsException(ErrorCode.COHORT_OUTPUT_FOLDER, "output is not a folder — " + root);
    }
    CohortGenerator.createDirectories(root);
    try (Stream<Path> entries = Files.list(root)) {
      if (entries.findAny().isPresent()) {
        throw new FcdsException(
            ErrorCode.COHORT_OUTPUT_NOT_EMPTY, "output folder is not empty — " + root);
      }
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.COHORT_OUTPUT_FOLDER, "cannot read output folder " + root + " — " + e, e);
    }
    CohortGenerator.createDirectories(root.resolve("fhir"));
    CohortGenerator.createDirectories(root.resolve("dicom"));
    return new CohortFolders(root);
  }

  Path bundle(String patientId) {
    return root.resolve("fhir").resolve(patientId + ".json");
  }

  Path image(String studyUid, String instanceUid) {
    Path dir = root.resolve("dicom").resolve(studyUid);
    CohortGenerator.createDirectories(dir);
    return dir.resolve(instanceUid + ".dcm");
  }

  Path labels() {
    return root.resolve("labels.csv");
  }

  void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new FcdsException(ErrorCode.COHORT_WRITE, "cannot write " + file + " — " + e, e);
    }
  }
}
