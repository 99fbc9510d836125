package org.fusioncds.assemble;

import java.util.List;
import org.fusioncds.cdshooks.PatientCase;
import org.fusioncds.inference.ModelCard;
import org.fusioncds.report.ResultKey;

/**
 * The {@code assemble} step of the hook: the gathered resources and image become the model card's
 * tensors, masks and versioned input list; the result key follows from them. A patient with neither
 * an image nor any observation the card reads is not evaluated (the info card says so).
 */
public final class AssembleStep {

  private final InputAssembler assembler;

  public AssembleStep(InputAssembler assembler) {
    this.assembler = assembler;
  }

  public PatientCase assemble(PatientCase c) {
    c.inputs =
        assembler.assemble(
            AssemblyInput.of(
                c.patient, c.study, c.observations, c.conditions, c.image, c.evaluationTime));
    ModelCard card = assembler.card();
    List<String> refs = c.inputs.referenceStrings();
    c.key = ResultKey.of(card.id(), card.version(), refs);
    if (missingEverything(c.inputs, card)) {
      c.stop =
          new PatientCase.Stop(
              "AI: not enough data to analyse",
              "Neither the radiograph nor any of the model's labs and vital signs could be used."
                  + (c.imageProblem == null ? "" : " Image: " + c.imageProblem));
    }
    return c;
  }

  private static boolean missingEverything(ModelInputs in, ModelCard card) {
    long observationFeatures =
        card.features().stream().filter(f -> "observation".equals(f.source())).count();
    long missingObservations =
        in.missing().stream().filter(m -> m.what().startsWith("labs:")).count();
    boolean noImage = in.missing().stream().anyMatch(m -> m.what().equals("image"));
    return noImage && missingObservations >= observationFeatures;
  }
}
