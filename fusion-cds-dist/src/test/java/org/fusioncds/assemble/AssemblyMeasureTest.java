package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Assembly is deterministic; prints what one patient costs (small CR and a 1760² JPEG 2000 CR). */
class AssemblyMeasureTest {

  @TempDir Path dir;

  private static double[] time(InputAssembler a, AssemblyInput in, int n, float[] first) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      ModelInputs m = a.assemble(in);
      assertArrayEquals(first, m.tensor("image").data());
      total += m.assembleMillis();
    }
    return new double[] {total / n};
  }

  @Test
  void assemblyIsDeterministicAndMeasured() {
    InputAssembler a = new InputAssembler(InputAssemblerTest.CARD);
    Path small = SyntheaFixture.crWithStudyUid(SyntheaFixture.MICHELE_CR_UID, dir.resolve("s.dcm"));
    AssemblyInput in = InputAssemblerTest.michele(SyntheaFixture.image(small), null);
    float[] first = a.assemble(in).tensor("image").data();
    double smallMs = time(a, in, 50, first)[0];

    long t0 = System.nanoTime();
    DicomImage big;
    try (DicomFile f = DicomReader.read(TestData.path("dicom/modality/CR_RG3_J2KI.dcm"))) {
      f.dataset().putString(Tag.StudyInstanceUID, VR.UI, SyntheaFixture.MICHELE_CR_UID);
      big = DicomImage.of(f);
    }
    double decodeMs = (System.nanoTime() - t0) / 1e6;
    AssemblyInput bigIn = InputAssemblerTest.michele(big, null);
    float[] bigFirst = a.assemble(bigIn).tensor("image").data();
    double bigMs = time(a, bigIn, 5, bigFirst)[0];

    System.out.printf(
        "MEASURE assembly per patient: 16x16 CR %.2f ms; 1760x1760 CR %.1f ms (+ J2K decode %.0f ms)%n",
        smallMs, bigMs, decodeMs);
  }
}
