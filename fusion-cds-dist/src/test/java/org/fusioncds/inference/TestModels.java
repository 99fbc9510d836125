package org.fusioncds.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;

/**
 * Tiny real ONNX graphs for tests, made by {@code src/test/python/make_test_models.py} (Debian
 * python3-onnx), placed next to a copy of the example card whose placeholder hashes are replaced by
 * the real ones (and without the card's {@code ood} section: these graphs have no embedding).
 */
public final class TestModels {

  public static final Path EXAMPLE_CARD = Path.of("models", "cap-fusion", "model-card.yaml");
  private static final Pattern GRAPH_HASH =
      Pattern.compile("(file: (\\S+)\\n\\s+sha256: )\"[^\"]*\"");

  private TestModels() {}

  /** Creates {@code root/cap-fusion/} with the graphs and the card; returns {@code root}. */
  public static Path create(Path root) throws IOException, InterruptedException {
    ModelCard example = ModelCards.load(EXAMPLE_CARD);
    Path folder = Files.createDirectories(root.resolve(example.id()));
    ModelCard.InputTensor image = example.input(example.image().tensor());
    python(
        folder,
        image.shape().get(2),
        image.shape().get(3),
        example.input(example.tabular().tensor()).shape().get(1));
    Files.writeString(folder.resolve(ModelCards.FILE_NAME), withHashes(folder));
    return root;
  }

  private static String withHashes(Path folder) throws IOException {
    // the tiny graphs have no embedding to screen with: the card's ood section is left out
    String text = Files.readString(EXAMPLE_CARD).replaceAll("(?m)^ood:.*\\n(?: .*\\n)*", "");
    Matcher m = GRAPH_HASH.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String hash = Sha256.of(folder.resolve(m.group(2)));
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "\"" + hash + "\""));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void python(Path out, long rows, long cols, long features)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/python3",
                    "fusion-cds-dist/src/test/python/make_test_models.py",
                    out.toString(),
                    "--rows",
                    Long.toString(rows),
                    "--cols",
                    Long.toString(cols),
                    "--features",
                    Long.toString(features)))
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "make_test_models.py failed (needs apt-get install python3-onnx python3-numpy): " + log);
    }
  }

  /** The coefficients the script used. */
  public static JsonNode coefficients(Path root) throws IOException {
    return new ObjectMapper()
        .readTree(root.resolve("cap-fusion").resolve("coefficients.json").toFile());
  }
}
