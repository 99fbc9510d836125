package org.fusioncds.assemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fusioncds.cli.FusionCdsCommand;
import org.fusioncds.dicom.DicomFile;
import org.fusioncds.dicom.DicomReader;
import org.fusioncds.dicom.pixel.PixelDecoder;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cohort --export-tensors} with the classical card writes, for each patient, the image
 * features of that patient's radiograph windowed as the card says, and the fill without an image:
 * the rows training reads are the ones serving computes.
 */
class ClassicExportTest {

  private static final Path CARD = Path.of("models", "cap-classic", "model-card.yaml");

  @TempDir Path dir;

  /** Row {@code row} of a float32 .npy of {@code width} values per row. */
  private static float[] row(Path npy, int row, int width) throws Exception {
    byte[] all = Files.readAllBytes(npy);
    int header = 10 + ByteBuffer.wrap(all, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    ByteBuffer b =
        ByteBuffer.wrap(all, header + row * width * 4, width * 4).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[width];
    for (int i = 0; i < width; i++) {
      v[i] = b.getFloat();
    }
    return v;
  }

  private static float[] featuresOf(Path dicomFolder, ModelCard card) throws Exception {
    Path file;
    try (Stream<Path> s = Files.list(dicomFolder)) {
      file = s.filter(p -> p.toString().endsWith(".dcm")).sorted().findFirst().orElseThrow();
    }
    try (DicomFile f = DicomReader.read(file)) {
      double[] windowed =
          new ImagePreprocessor(card.image()).windowed(f.dataset(), PixelDecoder.decode(f, 0));
      return new ImageFeatureExtractor(card.imageFeatures())
          .apply(windowed, card.image().rows(), card.image().columns());
    }
  }

  @Test
  void exportWritesEachPatientsImageFeaturesAndTheFillWithoutAnImage() throws Exception {
    ModelCard card = ModelCards.load(CARD);
    Path cohort = dir.resolve("cohort");
    Path out = dir.resolve("tensors");

    int exit =
        FusionCdsCommand.run(
            "cohort",
            "--patients",
            "12",
            "--seed",
            "4242",
            "--out",
            cohort.toString(),
            "--export-tensors",
            out.toString(),
            "--model-card",
            CARD.toString());

    assertEquals(0, exit);
    Map<String, String> studyOf = new HashMap<>();
    for (String line : Files.readAllLines(cohort.resolve("labels.csv")).subList(1, 13)) {
      String[] f = line.split(",", -1);
      studyOf.put(f[0], f[1]);
    }
    List<String> patients = Files.readAllLines(out.resolve("patients.txt"));
    int width = card.imageFeatures().columns().size();
    int withImage = 0;
    for (int i = 0; i < patients.size(); i++) {
      String study = studyOf.get(patients.get(i));
      float[] exported = row(out.resolve("image_features.npy"), i, width);
      float present = row(out.resolve("image_present.npy"), i, 1)[0];
      if (study.isEmpty()) {
        float[] fill = new float[width];
        Arrays.fill(fill, card.imageFeatures().fill().floatValue());
        assertArrayEquals(fill, exported, "patient " + i + " without image");
        assertEquals(0f, present);
      } else {
        assertArrayEquals(
            featuresOf(cohort.resolve("dicom").resolve(study), card), exported, "patient " + i);
        assertEquals(1f, present);
        withImage++;
      }
    }
    assertTrue(withImage >= 8, "patients with an image: " + withImage);
  }
}
