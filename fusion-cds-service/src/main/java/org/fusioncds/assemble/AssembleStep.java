package org.fusioncds.assemble;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
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

  private final Map<String, InputAssembler> byModel;

  /** One model's assembly. */
  public AssembleStep(InputAssembler assembler) {
    this(List.of(assembler));
  }

  /** The assembly of every served model, chosen by the job's model id. */
  public AssembleStep(List<InputAssembler> assemblers) {
    Map<String, InputAssembler> m = new LinkedHashMap<>();
    assemblers.forEach(a -> m.put(a.card().id(), a));
    this.byModel = Map.copyOf(m);
  }

  private InputAssembler assembler(String modelId) {
    InputAssembler a = byModel.get(modelId);
    if (a == null) {
      throw new FcdsException(
          ErrorCode.ASSEMBLY_MODEL_UNKNOWN, "no assembly for the job's model — " + modelId);
    }
    return a;
  }

  /** {@link EvaluationInputs}, or {@link NotEvaluable} when nothing the model reads is there. */
  public Object assemble(GatheredInputs g) {
    PatientContext c = g.context();
    InputAssembler assembler = assembler(c.job().modelId());
    AssemblyInput in =
        AssemblyInput.of(
                c.patient(),
                c.study(),
                g.clinical().observations(),
                g.clinical().conditions(),
                g.image().image(),
                c.evaluationTime())
            .withSeries(g.image().series());
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
