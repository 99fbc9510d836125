package org.fusioncds.sandbox.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.testing.Dcmtk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortDicomTest {

  @TempDir static Path tmp;
  static List<Path> files;

  @BeforeAll
  static void generate() {
    Path cohort = tmp.resolve("cohort");
    CohortGenerator.generate(20, 314, cohort);
    files =
        CohortFiles.tree(cohort).stream()
            .filter(p -> p.toString().endsWith(".dcm"))
            .map(cohort::resolve)
            .toList();
  }

  @Test
  void dcmdumpReadsEveryRadiographWithoutAWord() {
    assertTrue(files.size() >= 15, "files: " + files.size());
    for (Path f : files) {
      Dcmtk.Result r = Dcmtk.exec(false, "dcmdump", f.toString());
      assertEquals(0, r.exitCode(), f + ": " + r.stderr());
      assertEquals("", r.stderr(), f.toString());
      assertTrue(r.stdout().contains("ISO_IR 192"), "character set");
    }
  }

  @Test
  void radiographsAre12BitMonochrome2ChestImagesOfTheirModality() {
    for (Path f : files) {
      try (DicomFile d = DicomReader.read(f)) {
        Dataset ds = d.dataset();
        assertEquals("CHEST", ds.getString(Tag.BodyPartExamined));
        assertEquals("MONOCHROME2", ds.getString(Tag.PhotometricInterpretation));
        assertEquals(256, ds.getInt(Tag.Rows, 0));
        assertEquals(16, ds.getInt(Tag.BitsAllocated, 0));
        assertEquals(12, ds.getInt(Tag.BitsStored, 0));
        assertEquals(11, ds.getInt(Tag.HighBit, 0));
        assertTrue(List.of("PA", "AP").contains(ds.getString(Tag.ViewPosition)));
        String sopClass = ds.getString(Tag.SOPClassUID);
        assertEquals(
            "DX".equals(ds.getString(Tag.Modality))
                ? RadiographDataset.DX_FOR_PRESENTATION
                : RadiographDataset.CR_IMAGE_STORAGE,
            sopClass);
        int max = 0;
        for (int v : PixelDecoder.decode(d, 0).samples()) {
          assertTrue(v >= 0 && v <= 4095, "12-bit value " + v);
          max = Math.max(max, v);
        }
        assertTrue(max > 1000, "an image, not a blank: max " + max);
      }
    }
  }
}
