package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.volume.Volume;
import org.fusioncds.dicom.volume.VolumeBuilder;
import org.fusioncds.dicom.volume.VolumeOptions;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.sandbox.cohort.NoduleCohortGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodule-ct cohort (CT series of one instance per slice) through the card's {@code volume}
 * section: the series' geometry as a PACS would hold it, the assembled volume, and the series that
 * cannot be placed safely turned into a missing image with its coded reason.
 */
class NoduleVolumeAssemblyTest {

  @TempDir static Path dir;
  static Path cohort;
  static ModelCard card;
  static final Map<String, ModelInputs> inputs = new java.util.HashMap<>();
  static final Map<String, Integer> labels = new java.util.HashMap<>();

  @BeforeAll
  static void generate() {
    cohort = dir.resolve("cohort");
    NoduleCohortGenerator.generate(12, 17, cohort);
    card = ModelCards.load(Path.of("models/nodule-ct/model-card.yaml"));
    new CohortExporter(new InputAssembler(card))
        .forEachCase(
            cohort,
            c -> {
              inputs.put(c.patientId(), c.inputs());
              labels.put(c.patientId(), c.label());
            });
  }

  private static List<Path> studies() throws IOException {
    try (Stream<Path> s = Files.list(cohort.resolve("dicom"))) {
      return s.sorted().toList();
    }
  }

  private static List<Path> files(Path study) throws IOException {
    try (Stream<Path> s = Files.list(study)) {
      return s.sorted().toList();
    }
  }

  @Test
  void eachStudyIsOneCtInstancePerSliceWithRealGeometry() throws IOException {
    assertTrue(studies().size() >= 8, "studies " + studies().size());
    for (Path study : studies()) {
      List<Path> files = files(study);
      assertEquals(64, files.size(), study.toString());
      Volume v = VolumeBuilder.fromFiles(files, VolumeOptions.DEFAULT.strictly());
      assertEquals(List.of(), v.warnings());
      assertArrayEquals(new double[] {3.5, 3.5, 5}, v.spacing(), 1e-9);
      assertEquals(96, v.width());
      assertEquals(64, v.depth());
      try (DicomFile f = DicomReader.read(files.get(0))) {
        assertEquals("CT", f.dataset().getString(Tag.Modality));
        double intercept = f.dataset().getDouble(Tag.RescaleIntercept, 0);
        assertTrue(intercept == -1024 || intercept == -1000, "intercept " + intercept);
      }
      // HU after the modality LUT: air outside the body, lung inside
      assertEquals(-1000, v.voxel(0, 0, 32), 60);
      float min = Float.MAX_VALUE;
      for (int x = 20; x < 76; x++) {
        min = Math.min(min, v.voxel(x, 48, 32));
      }
      assertTrue(min < -700, "no lung on the middle row: " + min);
    }
  }

  @Test
  void theVolumeIsAssembledFromTheSeriesOfThePatientsStudy() {
    int present = 0;
    for (ModelInputs in : inputs.values()) {
      float[] v = in.tensor("volume").data();
      assertEquals(72 * 56 * 48, v.length);
      assertArrayEquals(new long[] {1, 1, 48, 56, 72}, in.tensor("volume").shape());
      boolean has = in.tensor("volume_present").data()[0] == 1f;
      if (has) {
        present++;
        // window −1200..400 HU, then (w − 0.3) / 0.3: air (−1000 HU) −0.58, soft tissue 1.4
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float f : v) {
          lo = Math.min(lo, f);
          hi = Math.max(hi, f);
        }
        assertEquals(-0.583f, lo, 0.06f);
        assertTrue(hi > 1.2f && hi <= 7f / 3 + 1e-6, "max " + hi);
        assertTrue(in.referenceStrings().stream().anyMatch(r -> r.startsWith("urn:oid:2.25.")));
      } else {
        assertEquals(List.of("image"), in.missingNames().stream().filter("image"::equals).toList());
        for (float f : v) {
          assertEquals(0f, f);
        }
      }
    }
    assertTrue(present >= 8, "present " + present);
  }

  @Test
  void aSeriesWithAMissingSliceIsAMissingImageWithItsCode() throws IOException {
    Path gap = dir.resolve("gap");
    NoduleCohortGenerator.generate(3, 17, gap);
    Path study;
    try (Stream<Path> s = Files.list(gap.resolve("dicom"))) {
      study = s.sorted().findFirst().orElseThrow();
    }
    List<Path> files = new ArrayList<>(files(study));
    // the instance numbered 30 (of 64) taken out, as a PACS that lost it would serve the series
    Path dropped = null;
    for (Path f : files) {
      try (DicomFile d = DicomReader.read(f)) {
        if (d.dataset().getInt(Tag.InstanceNumber, 0) == 30) {
          dropped = f;
        }
      }
    }
    Files.delete(dropped);
    InputAssembler assembler = new InputAssembler(card);
    List<ModelInputs> out = new ArrayList<>();
    new CohortExporter(assembler).forEachCase(gap, c -> out.add(c.inputs()));
    ModelInputs hit =
        out.stream()
            .filter(i -> i.missing().stream().anyMatch(m -> m.reason().contains("FCDS-2405")))
            .findFirst()
            .orElseThrow();
    String reason =
        hit.missing().stream().filter(m -> m.what().equals("image")).findFirst().get().reason();
    assertTrue(reason.contains("step 10.000 mm"), reason);
    assertEquals(0f, hit.tensor("volume_present").data()[0]);
  }
}
