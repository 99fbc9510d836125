package org.fusioncds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.fusioncds.audit.ComplianceFilter;
import org.fusioncds.audit.ComplianceFormats;
import org.fusioncds.audit.ComplianceQuery;
import org.fusioncds.audit.ComplianceRecord;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.FhirGateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit --fhir BASE [--patient ID] [--model ID] [--from T] [--to T] [--caller WHO] [--format
 * json|csv] [--out FILE]}: the compliance query over a FHIR R4 server, as JSON or RFC 4180 CSV. A
 * bearer token comes from the environment variable {@value #TOKEN_VARIABLE} only (an argument would
 * show in the process list). FCDS-7090: the FHIR base URL is not an http(s) URL; FCDS-7094: the
 * output file cannot be written.
 */
@Command(
    name = "audit",
    description =
        "Compliance trail: for each AI report, the model (id, version, sha256), every input"
            + " version, the caller and the time; JSON or CSV. Bearer token from "
            + AuditCommand.TOKEN_VARIABLE
            + ".")
public final class AuditCommand implements Callable<Integer> {

  /** The environment variable holding the bearer token for the FHIR server. */
  public static final String TOKEN_VARIABLE = "FCDS_AUDIT_TOKEN";

  /** Output formats. */
  enum Format {
    json,
    csv
  }

  @Option(names = "--fhir", required = true, paramLabel = "BASE", description = "FHIR base URL")
  String fhir;

  @Option(names = "--patient", paramLabel = "ID", description = "Patient logical id")
  String patient;

  @Option(names = "--model", paramLabel = "ID", description = "model id (Device.modelNumber)")
  String model;

  @Option(names = "--from", paramLabel = "T", description = "issued at or after (FHIR dateTime)")
  String from;

  @Option(names = "--to", paramLabel = "T", description = "issued at or before (FHIR dateTime)")
  String to;

  @Option(
      names = "--caller",
      paramLabel = "WHO",
      description = "EHR issuer, its client id, or the user (e.g. Practitioner/123)")
  String caller;

  @Option(
      names = "--format",
      defaultValue = "json",
      paramLabel = "json|csv",
      description = "output format (default json)")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", description = "write here instead of stdout")
  Path out;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "S",
      description = "FHIR socket timeout in seconds (default 60)")
  int timeoutSeconds;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final UnaryOperator<String> environment;

  public AuditCommand() {
    this(System::getenv);
  }

  /** With another environment, for tests. */
  AuditCommand(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    ComplianceFilter filter = ComplianceFilter.parse(patient, model, from, to, caller);
    List<ComplianceRecord> records = new ComplianceQuery(client()).run(filter);
    String text =
        format == Format.csv ? ComplianceFormats.csv(records) : ComplianceFormats.json(records);
    PrintWriter stdout = spec.commandLine().getOut();
    if (out == null) {
      stdout.print(format == Format.json ? text + System.lineSeparator() : text);
    } else {
      write(text, out);
      stdout.printf("{\"count\":%d,\"out\":\"%s\"}%n", records.size(), out.toString());
    }
    stdout.flush();
    return 0;
  }

  /**
   * The trail's client, as the service makes its own ({@link FhirGateway#client}): the token only
   * ever goes to the named server (a next link elsewhere is FCDS-3015, never followed).
   */
  private IGenericClient client() {
    String token = environment.apply(TOKEN_VARIABLE);
    String bearer = token == null || token.isBlank() ? null : token.strip();
    int timeout = timeoutSeconds * 1000;
    return new FhirGateway(FhirContext.forR4Cached(), timeout, timeout)
        .client(base(fhir), bearer == null ? null : () -> bearer);
  }

  private static String base(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (uri.getHost() != null && ("http".equals(scheme) || "https".equals(scheme))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new FcdsException(
        ErrorCode.COMPLIANCE_BASE_INVALID, "the FHIR base is not an http(s) URL — " + url);
  }

  private static void write(String text, Path out) {
    Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".part");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.COMPLIANCE_OUTPUT, "cannot write the audit output — " + out + ": " + e);
    }
  }
}
