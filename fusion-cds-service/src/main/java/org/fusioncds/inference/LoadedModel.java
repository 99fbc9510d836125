package org.fusioncds.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCard.Graph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model: its card, and one open ONNX Runtime session per graph of the card, each opened once
 * after its file's SHA-256 matched the card and fed by its own {@link GraphBatcher} (the session's
 * only user: its {@code inference.batch.instances} threads each run their own batch on it, as ONNX
 * Runtime allows concurrent {@code run} calls on one session). Closing stops every batcher, then
 * closes every session.
 */
public final class LoadedModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

  /** An open graph: its card entry, the file's SHA-256 and the session. */
  public record GraphSession(String name, Graph graph, String sha256, OrtSession session) {}

  private final ModelCard card;
  private final Path folder;
  private final Map<String, GraphSession> graphs = new LinkedHashMap<>();
  private final Map<String, GraphBatcher> batchers = new LinkedHashMap<>();
  private OodCheck ood;

  private LoadedModel(ModelCard card, Path folder) {
    this.card = card;
    this.folder = folder;
  }

  /** The model's folder (its card file, graphs and statistics). */
  public Path folder() {
    return folder;
  }

  /** Verifies and opens every graph of the card in {@code folder}; nothing stays open on error. */
  static LoadedModel open(ModelCard card, Path folder, SessionFactory sessions, Batching batching) {
    LoadedModel m = new LoadedModel(card, folder);
    try {
      for (Map.Entry<String, Graph> e : card.graphs().entrySet()) {
        GraphSession g = m.openGraph(e.getKey(), e.getValue(), sessions);
        m.graphs.put(e.getKey(), g);
        m.batchers.put(e.getKey(), new GraphBatcher(sessions.environment(), card, g, batching));
      }
      m.ood = OodCheck.open(card, folder);
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

  /** The card's out-of-distribution check, or null when the card declares none. */
  public OodCheck ood() {
    return ood;
  }

  /** The batcher of the open graph of that name, or a 5204 error. */
  GraphBatcher batcher(String name) {
    graph(name);
    return batchers.get(name);
  }

  /** What each graph's batcher has done so far. */
  List<BatchStats> batchStats() {
    return batchers.values().stream().map(GraphBatcher::stats).toList();
  }

  @Override
  public void close() {
    batchers.values().forEach(GraphBatcher::close);
    for (Map.Entry<String, GraphSession> g : graphs.entrySet()) {
      GraphBatcher b = batchers.get(g.getKey());
      if (b != null && !b.ended()) {
        // a batch still runs on it after the batcher's 30 s: closing the native session under
        // session.run could crash the JVM, so it is left open (its memory kept until the JVM ends)
        LOG.warn(
            "{}: the session of {}/{} is left open, a batch still runs on it",
            ErrorCode.INFERENCE_INTERRUPTED.codeText(),
            card.id(),
            g.getKey());
        continue;
      }
      closeQuietly(g.getValue().session());
    }
    if (ood != null) {
      ood.close();
    }
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      // closing releases native memory; a failure here leaves nothing we could do
    }
  }
}
