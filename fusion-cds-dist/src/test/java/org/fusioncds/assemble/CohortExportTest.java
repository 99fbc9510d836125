package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fusioncds.cli.FusionCdsCommand;
import org.fusioncds.export.NpyWriterTest;
import org.fusioncds.flow.DicomImage;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.testing.TestData;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortExportTest {

  static final String MICHELE_ID = "0f49d2d0-59be-4f72-a22b-0a582367b44b";
  static final String CHET_ID = "9e2f7a3b-94df-4b3d-bee2-360881649fa5";
  static final String BEATRICE_ID = "9df87ee4-4ade-45c5-8601-910e8ff9db99";

  @TempDir Path dir;

  /** Three real Synthea bundles, Michele's chest CR as DICOM, and labels. */
  private Path cohort(String labels) throws Exception {
    Path c = dir.resolve("cohort");
    Files.createDirectories(c.resolve("fhir"));
    for (String b : List.of(SyntheaFixture.MICHELE, SyntheaFixture.BEATRICE)) {
      Path src = TestData.path(b);
      Files.copy(src, c.resolve("fhir").resolve(src.getFileName()));
    }
    Files.writeString(c.resolve("fhir").resolve("Chet-chest.json"), chetWithChestStudy());
    Path study = Files.createDirectories(c.resolve("dicom").resolve(SyntheaFixture.MICHELE_CR_UID));
    SyntheaFixture.crWithStudyUid(SyntheaFixture.MICHELE_CR_UID, study.resolve("1.dcm"));
    Files.writeString(c.resolve("labels.csv"), labels);
    return c;
  }

  /** Chet's bundle with his DX series moved to the chest (body site 51185008), by HAPI. */
  private static String chetWithChestStudy() {
    FhirContext fhir = FhirContext.forR4Cached();
    Bundle b =
        fhir.newJsonParser().parseResource(Bundle.class, read(TestData.path(SyntheaFixture.CHET)));
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (e.getResource() instanceof ImagingStudy s) {
        s.getSeriesFirstRep().getBodySite().setCode("51185008");
      }
    }
    return fhir.newJsonParser().encodeResourceToString(b);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final String LABELS =
      "patient_id,study_uid,label\n"
          + MICHELE_ID
          + ","
          + SyntheaFixture.MICHELE_CR_UID
          + ",1\n"
          + CHET_ID
          + ",,0\n"
          + BEATRICE_ID
          + ",,0\n";

  private static int run(String... args) {
    return FusionCdsCommand.run(args);
  }

  /** Row {@code row} of a float32 .npy file, as raw bytes. */
  private static byte[] rowBytes(Path npy, int row, int rowValues) throws Exception {
    byte[] all = Files.readAllBytes(npy);
    int header = 10 + ByteBuffer.wrap(all, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    int from = header + row * rowValues * 4;
    return Arrays.copyOfRange(all, from, from + rowValues * 4);
  }

  private static byte[] bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void exportsTheTensorsServingBuildsByteForByte() throws Exception {
    Path c = cohort(LABELS);
    Files.delete(c.resolve("fhir").resolve(TestData.path(SyntheaFixture.BEATRICE).getFileName()));
    Path out = dir.resolve("out");

    int exit =
        run(
            "cohort-export",
            "--cohort",
            c.toString(),
            "--model-card",
            "models/cap-fusion/model-card.yaml",
            "--out",
            out.toString());

    assertEquals(0, exit);
    assertEquals(List.of(CHET_ID, MICHELE_ID), Files.readAllLines(out.resolve("patients.txt")));
    assertTrue(
        NpyWriterTest.numpy(out.resolve("image.npy")).startsWith("(2, 1, 128, 128) float32"));
    assertTrue(NpyWriterTest.numpy(out.resolve("tabular.npy")).startsWith("(2, 12) float32"));
    assertTrue(NpyWriterTest.numpy(out.resolve("tabular_mask.npy")).startsWith("(2, 12) float32"));
    assertEquals(
        "(2, 1) float32 True [0.0, 1.0]", NpyWriterTest.numpy(out.resolve("image_present.npy")));
    assertEquals("(2,) int64 True [0, 1]", NpyWriterTest.numpy(out.resolve("labels.npy")));

    PatientRecord m = SyntheaFixture.michele();
    DicomImage image =
        SyntheaFixture.image(
            c.resolve("dicom").resolve(SyntheaFixture.MICHELE_CR_UID).resolve("1.dcm"));
    ModelInputs served =
        new InputAssembler(InputAssemblerTest.CARD)
            .assemble(
                new AssemblyInput(
                    m.patient(), m.studies(), m.observations(), m.conditions(), image, null));
    for (String t : List.of("image", "tabular", "tabular_mask", "image_present")) {
      float[] data = served.tensor(t).data();
      assertArrayEquals(bytes(data), rowBytes(out.resolve(t + ".npy"), 1, data.length), t);
    }
  }

  @Test
  void patientLabelledWithAStudyItDoesNotHaveFailsWithOneCodedLine() throws Exception {
    Path c = cohort(LABELS + BEATRICE_ID + ",1.2.826.0.1.3680043.99.1,0\n");
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, "UTF-8"));
    int exit;
    try {
      exit =
          run(
              "cohort-export",
              "--cohort",
              c.toString(),
              "--model-card",
              "models/cap-fusion/model-card.yaml",
              "--out",
              dir.resolve("o").toString());
    } finally {
      System.setErr(err);
    }

    assertEquals(2, exit);
    assertTrue(captured.toString("UTF-8").startsWith("FCDS-4504: "), captured.toString("UTF-8"));
  }
}
