package org.fusioncds.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.export.CohortExporter;
import org.fusioncds.model.ModelCards;
import org.fusioncds.sandbox.cohort.CohortShift;
import org.fusioncds.sandbox.cohort.CohortSummary;
import org.fusioncds.sandbox.cohort.ModelCohorts;
import org.fusioncds.sandbox.cohort.VisitFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cohort [--model ID] --patients N --seed S --out DIR}: writes the synthetic multimodal
 * cohort of a model (cap-fusion and cap-classic: pneumonia on a chest radiograph; nodule-ct:
 * pulmonary nodule malignancy on a chest CT series).
 */
@Command(
    name = "cohort",
    description =
        "Write a model's synthetic cohort (not clinical data): FHIR R4 transaction Bundles in"
            + " DIR/fhir, DICOM in DIR/dicom/<study> (a chest radiograph, or a CT series of one"
            + " instance per slice for nodule-ct), labels in DIR/labels.csv. The same seed gives"
            + " the same bytes.")
public final class CohortCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      defaultValue = "cap-fusion",
      paramLabel = "ID",
      description = "cap-fusion (default), cap-classic or nodule-ct")
  String model;

  @Option(names = "--patients", required = true, paramLabel = "N", description = "1 to 1000000")
  int patients;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "any 64-bit integer")
  long seed;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "output folder, created; must be new or empty")
  Path out;

  @Option(
      names = "--export-tensors",
      paramLabel = "OUT",
      description =
          "also write the model inputs of every patient as .npy, through the serving assembly")
  Path exportTensors;

  @Option(
      names = "--model-card",
      paramLabel = "PATH",
      description = "the card whose inputs --export-tensors writes (models/<ID>/model-card.yaml)")
  Path modelCard;

  @Option(
      names = "--out-of-distribution",
      defaultValue = "none",
      paramLabel = "KIND",
      description =
          "none (default), corrupted (read-out failure bands, salt-and-pepper), noise (no chest:"
              + " uniform noise images) or extreme-labs: patients the model's out-of-distribution"
              + " check should refuse")
  String outOfDistribution;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CohortSummary summary =
        ModelCohorts.generate(
            model, patients, seed, out, VisitFrame.YEAR_2025, CohortShift.of(outOfDistribution));
    if (modelCard == null) {
      modelCard = Path.of("models", model, "model-card.yaml");
    }
    spec.commandLine().getErr().println(summary.line());
    if (exportTensors != null) {
      int n =
          new CohortExporter(new InputAssembler(ModelCards.load(modelCard)))
              .export(out, exportTensors);
      spec.commandLine().getErr().println("tensors: " + n + " patients in " + exportTensors);
    }
    spec.commandLine().getErr().flush();
    return 0;
  }
}
