package org.fusioncds.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cohort-export --cohort DIR --model-card PATH --out OUT}: the training tensors of a cohort,
 * built by the serving assembly (see {@link CohortExporter}).
 */
@Command(
    name = "cohort-export",
    description =
        "Assemble every patient of a cohort folder (fhir/*.json, dicom/<study>/*.dcm, labels.csv)"
            + " with a model card and write one .npy per card input, labels.npy and patients.txt.")
public final class CohortExportCommand implements Callable<Integer> {

  @Option(names = "--cohort", required = true, paramLabel = "DIR")
  Path cohort;

  @Option(names = "--model-card", required = true, paramLabel = "PATH")
  Path modelCard;

  @Option(names = "--out", required = true, paramLabel = "OUT")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    ModelCard card = ModelCards.load(modelCard);
    int n = new CohortExporter(new InputAssembler(card)).export(cohort, out);
    spec.commandLine()
        .getOut()
        .printf(
            "{\"model\":\"%s\",\"version\":\"%s\",\"patients\":%d,\"ms\":%.0f}%n",
            card.id(), card.version(), n, (System.nanoTime() - t0) / 1e6);
    return 0;
  }
}
