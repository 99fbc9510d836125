package org.fusioncds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.model.StudySelector;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code backfill}: queues an evaluation job for every patient with an ImagingStudy the model card
 * takes (modality, body site) started in [since, until), page by page, with a progress line
 * (studies read, jobs queued, rate, ETA) and a checkpoint file written after each page's jobs are
 * acknowledged by the broker: a run stopped midway continues from its checkpoint. Queuing a patient
 * again creates no second report (the worker finds it by its result key). Studies are read latest
 * first, so a patient's job names their latest study in the range as its "as of" time: the worker
 * applies the card's recency rules (the study's maximum age, the lab windows) at that time, so last
 * year's studies are evaluated as they were then.
 */
@Command(
    name = "backfill",
    description = "Queue an evaluation job per patient with an eligible study in a date range.")
public final class BackfillCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--fhir", required = true, paramLabel = "URL", description = "FHIR base URL")
  String fhir;

  @Option(names = "--since", required = true, paramLabel = "DATE", description = "YYYY-MM-DD")
  String since;

  @Option(names = "--until", paramLabel = "DATE", description = "YYYY-MM-DD, exclusive")
  String until;

  @Option(names = "--model", paramLabel = "ID", description = "model id (default: cap-fusion)")
  String model = "cap-fusion";

  @Option(names = "--models-folder", paramLabel = "DIR")
  Path models = Path.of("models");

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
  String bootstrap = System.getenv("FCDS_KAFKA_BOOTSTRAP");

  @Option(names = "--jobs-topic", paramLabel = "TOPIC")
  String jobsTopic = "fcds.evaluation.jobs";

  @Option(names = "--checkpoint", paramLabel = "FILE")
  Path checkpoint = Path.of("backfill.checkpoint.json");

  @Option(
      names = "--dry-run",
      description = "count the patients; queue nothing, keep no checkpoint")
  boolean dryRun;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String range = range();
    if (!dryRun && (bootstrap == null || bootstrap.isBlank())) {
      throw new ParameterException(
          spec.commandLine(),
          ErrorCode.CLI_INVALID_COMMAND.codeText()
              + ": --bootstrap is required (or FCDS_KAFKA_BOOTSTRAP)");
    }
    ModelCard card = ModelCards.load(models.resolve(model).resolve(ModelCards.FILE_NAME));
    StudySelector selector = new StudySelector(card.study());
    FhirContext ctx = FhirContext.forR4Cached();
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = ctx.newRestfulGenericClient(fhir);
    ObjectNode state = resume(range);
    String next = state.path("next").asText(null);
    long studies = state.path("studies").asLong();
    long queued = state.path("queued").asLong();
    Set<String> seen = new HashSet<>();
    long t0 = System.nanoTime();
    long studiesAtStart = studies;
    PrintWriter err = spec.commandLine().getErr();
    try (KafkaProducer<String, String> producer =
        dryRun ? null : KafkaClients.producer(bootstrap)) {
      Bundle page = next == null ? first(client, range) : page(client, next);
      while (page != null) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        int total = page.hasTotal() ? page.getTotal() : -1;
        for (Bundle.BundleEntryComponent e : page.getEntry()) {
          if (!(e.getResource() instanceof ImagingStudy s)) {
            continue;
          }
          studies++;
          String patient = s.getSubject().getReferenceElement().getIdPart();
          if (patient == null
              || selector.select(List.of(s), null).isEmpty()
              || !seen.add(patient)) {
            continue;
          }
          queued++;
          if (producer != null) {
            sent.add(
                producer.send(
                    new ProducerRecord<>(
                        jobsTopic, patient, job(card, patient, s.getStarted()).toJson())));
          }
        }
        Bundle.BundleLinkComponent link = page.getLink(Bundle.LINK_NEXT);
        next = link == null ? null : link.getUrl();
        if (producer != null) {
          for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS); // on the broker before the checkpoint says so
          }
          save(range, next, studies, queued);
        }
        progress(err, studies, total, queued, studies - studiesAtStart, t0);
        page = next == null ? null : page(client, next);
      }
    }
    err.println();
    spec.commandLine()
        .getOut()
        .printf(
            "{\"studies\":%d,\"jobs\":%d,\"seconds\":%.1f,\"dryRun\":%s}%n",
            studies, queued, (System.nanoTime() - t0) / 1e9, dryRun);
    return 0;
  }

  private String range() {
    try {
      String r = "started=ge" + LocalDate.parse(since);
      return until == null ? r : r + "&started=lt" + LocalDate.parse(until);
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          ErrorCode.CLI_INVALID_COMMAND.codeText()
              + ": a date is not YYYY-MM-DD — "
              + e.getParsedString());
    }
  }

  private static Bundle first(IGenericClient client, String range) {
    return client
        .search()
        .byUrl("ImagingStudy?" + range + "&_sort=-started&_count=200&_total=accurate")
        .returnBundle(Bundle.class)
        .cacheControl(new CacheControlDirective().setNoCache(true))
        .execute();
  }

  private static Bundle page(IGenericClient client, String url) {
    return client.search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  /** A patient's job, evaluated as of its latest study in the range (the first one read). */
  private EvaluationJob job(ModelCard card, String patient, java.util.Date studyStarted) {
    return new EvaluationJob(
        EvaluationJob.VERSION,
        UUID.randomUUID().toString(),
        "backfill",
        null,
        card.id(),
        card.version(),
        patient,
        fhir,
        null,
        null,
        Instant.now(),
        studyStarted == null ? null : studyStarted.toInstant());
  }

  /** The checkpoint of the same range, or a fresh start (another range's is not used). */
  private ObjectNode resume(String range) throws IOException {
    if (dryRun || !Files.exists(checkpoint)) {
      return JSON.createObjectNode();
    }
    JsonNode saved = JSON.readTree(checkpoint.toFile());
    if (!range.equals(saved.path("range").asText()) || !fhir.equals(saved.path("fhir").asText())) {
      return JSON.createObjectNode();
    }
    if (saved.path("next").isNull() || saved.path("next").isMissingNode()) {
      return JSON.createObjectNode(); // complete: a new run starts over (and writes nothing twice)
    }
    return (ObjectNode) saved;
  }

  private void save(String range, String next, long studies, long queued) throws IOException {
    ObjectNode s = JSON.createObjectNode();
    s.put("fhir", fhir).put("range", range).put("next", next);
    s.put("studies", studies).put("queued", queued).put("at", Instant.now().toString());
    Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
    Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
    Files.move(
        tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void progress(
      PrintWriter err, long studies, int total, long queued, long thisRun, long t0) {
    double s = (System.nanoTime() - t0) / 1e9;
    double rate = thisRun / Math.max(s, 1e-3);
    String eta =
        total > 0 && rate > 0 ? String.format(" ETA %.0f s", (total - studies) / rate) : "";
    err.printf(
        "\rstudies %d%s  jobs %d  %.1f studies/s%s   ",
        studies, total > 0 ? "/" + total : "", queued, rate, eta);
    err.flush();
  }
}
