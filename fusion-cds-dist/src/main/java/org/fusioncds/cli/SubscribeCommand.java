package org.fusioncds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.subscription.NotifySubscriptions;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code subscribe}: writes on a FHIR server the Subscriptions that make it notify the module of
 * what a model card reads (its studies, its labs): criteria-based R4, or topic-based (R4 Backport)
 * on the server's own topics when both {@code --topic-studies} and {@code --topic-labs} are given.
 * The shared secret the server must send is read from {@code FCDS_SUBSCRIPTION_SECRET} or from
 * {@code --secret-file} (never an option's value: it would show in the process list). Running it
 * again writes nothing: a Subscription with the same criteria (and filter), endpoint and a status
 * other than {@code off} or {@code error} is kept. Prints one JSON line: what was created and what
 * was kept.
 */
@Command(
    name = "subscribe",
    description =
        "Create the FHIR Subscriptions that notify the module of a model's new studies and labs.")
public final class SubscribeCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--fhir", required = true, paramLabel = "URL", description = "FHIR base URL")
  String fhir;

  @Option(
      names = "--public-url",
      required = true,
      paramLabel = "URL",
      description = "the module's public base URL (cds.public-base-url), as the server reaches it")
  String publicUrl;

  @Option(names = "--model", paramLabel = "ID", description = "model id (default: cap-fusion)")
  String model = "cap-fusion";

  @Option(names = "--models-folder", paramLabel = "DIR")
  Path models = Path.of("models");

  @Option(names = "--topic-studies", paramLabel = "URL", description = "the server's study topic")
  String topicStudies;

  @Option(names = "--topic-labs", paramLabel = "URL", description = "the server's lab topic")
  String topicLabs;

  @Option(names = "--secret-header", paramLabel = "NAME")
  String secretHeader = "X-Fcds-Subscription-Secret";

  @Option(names = "--dry-run", description = "print the Subscriptions (secret masked); write none")
  boolean dryRun;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description = "read the shared secret from this file (a mounted Secret), not the environment")
  Path secretFile;

  @Override
  public Integer call() {
    if ((topicStudies == null) != (topicLabs == null)) {
      throw refused(
          "--topic-studies and --topic-labs go together — "
              + (topicStudies == null
                  ? "--topic-labs " + topicLabs
                  : "--topic-studies " + topicStudies));
    }
    String secret = secret();
    if (!dryRun && (secret == null || secret.isBlank())) {
      throw refused(
          "no secret (FCDS_SUBSCRIPTION_SECRET or --secret-file) — the server would send none");
    }
    ModelCard card = ModelCards.load(models.resolve(model).resolve(ModelCards.FILE_NAME));
    List<String> loinc = GatherStep.loincCodes(card);
    String shown = dryRun ? "***" : secret;
    List<Subscription> wanted =
        topicStudies == null
            ? NotifySubscriptions.forCard(card, loinc, publicUrl, secretHeader, shown)
            : NotifySubscriptions.forTopics(
                card, loinc, topicStudies, topicLabs, publicUrl, secretHeader, shown);
    FhirContext ctx = FhirContext.forR4Cached();
    ObjectNode answer = JSON.createObjectNode();
    if (dryRun) {
      ArrayNode all = answer.putArray("subscriptions");
      for (Subscription s : wanted) {
        all.add(ctx.newJsonParser().encodeResourceToString(s));
      }
      spec.commandLine().getOut().println(answer);
      return 0;
    }
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    IGenericClient client = ctx.newRestfulGenericClient(fhir);
    ArrayNode created = answer.putArray("created");
    ArrayNode kept = answer.putArray("kept");
    for (Subscription s : wanted) {
      String existing = existing(client, s);
      if (existing != null) {
        kept.add(existing);
      } else {
        created.add("Subscription/" + client.create().resource(s).execute().getId().getIdPart());
      }
    }
    answer.put("topicBased", topicStudies != null);
    spec.commandLine().getOut().println(answer);
    return 0;
  }

  private String secret() {
    if (secretFile == null) {
      return System.getenv("FCDS_SUBSCRIPTION_SECRET");
    }
    try {
      return java.nio.file.Files.readString(secretFile, StandardCharsets.UTF_8).strip();
    } catch (java.io.IOException e) {
      throw refused("the secret file cannot be read — " + secretFile);
    }
  }

  /** A live Subscription of the server with the same criteria, filter and endpoint, or null. */
  private static String existing(IGenericClient client, Subscription wanted) {
    String url =
        "Subscription?url="
            + URLEncoder.encode(wanted.getChannel().getEndpoint(), StandardCharsets.UTF_8)
            + "&_count=100";
    Bundle b =
        client
            .search()
            .byUrl(url)
            .returnBundle(Bundle.class)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      if (e.getResource() instanceof Subscription s
          && wanted.getCriteria().equals(s.getCriteria())
          && filter(wanted).equals(filter(s))
          && s.getStatus() != Subscription.SubscriptionStatus.OFF
          && s.getStatus() != Subscription.SubscriptionStatus.ERROR) {
        return "Subscription/" + s.getIdElement().getIdPart();
      }
    }
    return null;
  }

  private static String filter(Subscription s) {
    return s.getCriteriaElement().getExtension().stream()
        .filter(x -> x.getValue() instanceof StringType)
        .map(x -> ((StringType) x.getValue()).getValue())
        .sorted()
        .toList()
        .toString();
  }

  private ParameterException refused(String what) {
    return new ParameterException(
        spec.commandLine(), ErrorCode.CLI_INVALID_COMMAND.codeText() + ": " + what);
  }
}
