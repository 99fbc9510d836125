package org.fusioncds.assemble;

import java.util.List;
import java.util.Optional;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.GatheredInputs;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.model.ModelCard;

/**
 * The {@code assemble} step of the hook: the gathered resources and image become the model card's
 * tensors, masks and versioned input list; the result key follows from them. A patient outside the
 * card's intended use ({@link IntendedUse}), or with neither an image nor any observation the card
 * reads, is not evaluated (the info card says why).
 */
public final class AssembleStep {

  private final InputAssembler assembler;

  public AssembleStep(InputAssembler assembler) {
    this.assembler = assembler;
  }

  /** {@link EvaluationInputs}, or {@link NotEvaluable} when nothing the model reads is there. */
  public Object assemble(GatheredInputs g) {
    PatientContext c = g.context();
    AssemblyInput in =
        AssemblyInput.of(
            c.patient(),
            c.study(),
            g.clinical().observations(),
            g.clinical().conditions(),
            g.image().image(),
            c.evaluationTime());
    ModelCard card = assembler.card();
    Optional<IntendedUse.Outside> outside =
        IntendedUse.check(card, c.patient(), assembler.anchor(in), g.image().image());
    if (outside.isPresent()) {
      IntendedUse.Outside o = outside.get();
      return new NotEvaluable(
          c.job(),
          "AI: outside the model's intended use — not analysed",
          "The model was not run: "
              + o.reason()
              + " ("
              + o.code().codeText()
              + "). Its intended use: "
              + card.intendedUse());
    }
    ModelInputs inputs = assembler.assemble(in);
    if (missingEverything(inputs, card)) {
      String problem = g.image().problem();
      return new NotEvaluable(
          c.job(),
          "AI: not enough data to analyse",
          "Neither the "
              + card.study().name()
              + " nor any of the model's labs and vital signs could be used."
              + (problem == null ? "" : " Image: " + problem));
    }
    List<String> refs = inputs.referenceStrings();
    return new EvaluationInputs(g, inputs, ResultKey.of(card.id(), card.version(), refs));
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
