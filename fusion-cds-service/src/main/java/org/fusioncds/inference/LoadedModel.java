package org.fusioncds.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCard.Graph;

/**
 * One model: its card, and one open ONNX Runtime session per graph of the card, each opened once
 * after its file's SHA-256 matched the card. Closing closes every session.
 */
public final class LoadedModel implements AutoCloseable {

  /** An open graph: its card entry, the file's SHA-256 and the session. */
  public record GraphSession(String name, Graph graph, String sha256, OrtSession session) {}

  private final ModelCard card;
  private final Path folder;
  private final Map<String, GraphSession> graphs = new LinkedHashMap<>();

  private LoadedModel(ModelCard card, Path folder) {
    this.card = card;
    this.folder = folder;
  }

  /** Verifies and opens every graph of the card in {@code folder}; nothing stays open on error. */
  static LoadedModel open(ModelCard card, Path folder, SessionFactory sessions) {
    LoadedModel m = new LoadedModel(card, folder);
    try {
      for (Map.Entry<String, Graph> e : card.graphs().entrySet()) {
        m.graphs.put(e.getKey(), m.openGraph(e.getKey(), e.getValue(), sessions));
      }
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private GraphSession openGraph(String name, Graph g, SessionFactory sessions) {
    Path file = folder.resolve(g.file()).normalize();
    if (!file.startsWith(folder.normalize()) || !Files.isRegularFile(file)) {
      throw new FcdsException(
          ErrorCode.GRAPH_FILE_MISSING,
          "graph file of " + card.id() + "/" + name + " missing — " + file);
    }
    String actual = Sha256.of(file);
    if (!actual.equalsIgnoreCase(g.sha256())) {
      throw new FcdsException(
          ErrorCode.GRAPH_HASH_DIFFERS,
          "graph file hash differs from the model card — "
              + file
              + " expected sha256 "
              + g.sha256()
              + ", actual "
              + actual);
    }
    OrtSession session = sessions.open(file);
    try {
      GraphContract.check(card, name, g, session);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
    return new GraphSession(name, g, actual, session);
  }

  public ModelCard card() {
    return card;
  }

  /** The open graph of that name, or a 5204 error. */
  public GraphSession graph(String name) {
    GraphSession g = graphs.get(name);
    if (g == null) {
      throw new FcdsException(
          ErrorCode.GRAPH_UNKNOWN,
          "model " + card.id() + " has no graph '" + name + "' — has " + graphs.keySet());
    }
    return g;
  }

  @Override
  public void close() {
    graphs.values().forEach(g -> closeQuietly(g.session()));
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      // closing releases native memory; a failure here leaves nothing we could do
    }
  }
}
