package org.fusioncds.sandbox.cohort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * A few chest CT patients of the {@code nodule-ct} cohort for the sandbox and the demo: the cohort
 * is written to its own folder ({@link NoduleCohortGenerator}; FHIR bundles and {@code labels.csv}
 * stay there, for {@link CohortLoader}), and each CT series ({@code dicom/<study>/}, one instance
 * per slice) is moved into the DICOM folder the sandbox DICOMweb server serves, beside the
 * radiographs. Synthetic, not clinical data.
 */
public final class SandboxChestCts {

  private SandboxChestCts() {}

  /**
   * Writes {@code patients} nodule-ct patients into {@code cohort} and moves their series into
   * {@code dicomFolder} (created if absent) before the DICOMweb server indexes it.
   */
  public static CohortSummary generate(
      int patients, long seed, Path cohort, Path dicomFolder, VisitFrame frame) {
    CohortSummary summary = NoduleCohortGenerator.generate(patients, seed, cohort, frame);
    try {
      Files.createDirectories(dicomFolder);
      Path from = cohort.resolve("dicom");
      if (Files.isDirectory(from)) {
        List<Path> studies;
        try (Stream<Path> s = Files.list(from)) {
          studies = s.sorted().toList();
        }
        for (Path study : studies) {
          Files.move(study, dicomFolder.resolve(study.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.COHORT_WRITE, "cannot move the CT series into " + dicomFolder + " — " + e, e);
    }
    return summary;
  }
}
