package org.fusioncds.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fusioncds.evaluate.OodFit;
import org.fusioncds.inference.Sha256;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ood-fit --model-dir DIR --training C1 --validation C2}: fits the card's
 * out-of-distribution statistics on a training cohort and its threshold on a validation cohort;
 * writes the statistics file the card names and prints the values the card's {@code ood} section
 * takes.
 */
@Command(
    name = "ood-fit",
    description =
        "Fit the model card's out-of-distribution check: training embeddings' mean and shrinkage"
            + " covariance, threshold at the validation quantile of a false-abstain rate.")
public final class OodFitCommand implements Callable<Integer> {

  @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "model folder")
  Path modelDir;

  @Option(names = "--training", required = true, paramLabel = "COHORT")
  Path training;

  @Option(names = "--validation", required = true, paramLabel = "COHORT")
  Path validation;

  @Option(names = "--false-abstain", defaultValue = "0.05", paramLabel = "RATE")
  double falseAbstain;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ModelCard card = ModelCards.load(modelDir.resolve(ModelCards.FILE_NAME));
    OodFit fit = OodFit.fit(card, modelDir, training, validation, falseAbstain);
    Path file = modelDir.resolve(card.ood().statistics().file());
    fit.statistics().write(file);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "{\"statistics\":\"%s\",\"sha256\":\"%s\",\"threshold\":%.4f,\"falseAbstainRate\":%s,"
                + "\"validationAbstainRate\":%.4f,\"shrinkage\":%.4f,\"trainingPatients\":%d,"
                + "\"validationPatients\":%d}%n",
            file,
            Sha256.of(file),
            fit.threshold(),
            fit.falseAbstainRate(),
            fit.validationAbstainRate(),
            fit.statistics().shrinkage(),
            fit.trainingPatients(),
            fit.validationPatients());
    return 0;
  }
}
