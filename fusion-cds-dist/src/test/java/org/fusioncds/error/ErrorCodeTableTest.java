package org.fusioncds.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.architecture.SourceImports;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code tables (each {@code package-info.java}, the README) in agreement with {@link
 * ErrorCode}, the numbers unique and in their package's range, and src/main free of bare codes.
 */
class ErrorCodeTableTest {

  /** The first digit of the codes each top-level package may list (DESIGN.md ranges). */
  private static final Map<String, Integer> RANGE =
      Map.ofEntries(
          Map.entry("cdshooks", 1),
          Map.entry("jobs", 1),
          Map.entry("subscription", 1),
          Map.entry("smart", 1),
          Map.entry("flow", 1),
          Map.entry("imaging", 2),
          Map.entry("model", 5),
          Map.entry("dicom", 2),
          Map.entry("fhir", 3),
          Map.entry("assemble", 4),
          Map.entry("inference", 5),
          Map.entry("report", 6),
          Map.entry("security", 7),
          Map.entry("audit", 7),
          Map.entry("sandbox", 8),
          Map.entry("cli", 8),
          Map.entry("evaluate", 8),
          Map.entry("config", 9));

  private static final Pattern ITEM = Pattern.compile("FCDS-(\\d{4}) \\((\\d{3})\\) (.+)");
  private static final Pattern MENTION = Pattern.compile("FCDS-(\\d{4})");

  /** One table row as written in a package-info. */
  record Row(Path file, int code, int status, String meaning) {}

  @Test
  void noTwoConstantsShareANumber() {
    Map<Integer, ErrorCode> seen = new HashMap<>();
    for (ErrorCode c : ErrorCode.values()) {
      ErrorCode other = seen.put(c.code(), c);
      assertEquals(null, other, "FCDS-" + c.code() + " is both " + other + " and " + c);
    }
  }

  @Test
  void everyConstantHasAFourDigitCodeAStatusAndAMeaning() {
    for (ErrorCode c : ErrorCode.values()) {
      assertTrue(c.code() >= 1000 && c.code() <= 9999, c.name());
      assertTrue(c.httpStatus() >= 400 && c.httpStatus() <= 599, c.name());
      assertTrue(!c.meaning().isBlank(), c.name());
      assertEquals(c, ErrorCode.of(c.code()));
    }
  }

  @Test
  void packageInfoTablesNameEveryCodeOnceWithItsStatusAndMeaning() throws IOException {
    Map<Integer, Path> listedIn = new TreeMap<>();
    for (Row r : tableRows()) {
      ErrorCode c = ErrorCode.of(r.code());
      assertTrue(c != null, r.file() + " lists FCDS-" + r.code() + ", which ErrorCode lacks");
      assertEquals(c.httpStatus(), r.status(), r.file() + ": HTTP status of " + c);
      assertEquals(c.meaning(), r.meaning(), r.file() + ": meaning of " + c);
      Path before = listedIn.put(r.code(), r.file());
      assertEquals(null, before, "FCDS-" + r.code() + " listed twice: " + r.file());
      String path = r.file().toString().replace('\\', '/');
      String top = path.substring(path.indexOf("org/fusioncds/") + 14).split("/")[0];
      Integer digit = RANGE.get(top);
      assertTrue(digit != null, r.file() + " lists codes but its package has no range");
      assertEquals(
          (int) digit,
          r.code() / 1000,
          r.file() + " lists FCDS-" + r.code() + ", outside the " + digit + "xxx range");
    }
    for (ErrorCode c : ErrorCode.values()) {
      assertTrue(listedIn.containsKey(c.code()), c + " is in no package-info table");
    }
  }

  @Test
  void everyCodeNamedInPackageInfosAndTheReadmeExists() throws IOException {
    List<Path> docs = new ArrayList<>(packageInfos());
    docs.add(Path.of("README.md"));
    for (Path doc : docs) {
      Matcher m = MENTION.matcher(Files.readString(doc));
      while (m.find()) {
        int code = Integer.parseInt(m.group(1));
        assertTrue(ErrorCode.of(code) != null, doc + " names FCDS-" + code + ", not in ErrorCode");
      }
    }
  }

  @Test
  void theReadmeGivesEachCodeItsStatus() throws IOException {
    Matcher m = Pattern.compile("\\b([45]\\d\\d) FCDS-(\\d{4})").matcher(readme());
    int checked = 0;
    while (m.find()) {
      ErrorCode c = ErrorCode.of(Integer.parseInt(m.group(2)));
      assertTrue(c != null, "README names FCDS-" + m.group(2));
      assertEquals(c.httpStatus(), Integer.parseInt(m.group(1)), "README: status of " + c);
      checked++;
    }
    assertTrue(checked > 0, "the README quotes no status with a code");
  }

  @Test
  void noBareCodeLiteralInMainSources() throws IOException {
    Pattern bare =
        Pattern.compile(
            "(?:Exception|Error|Refused|Parameter|Issue|issue|Warning)\\(\\s*(?:\\d{3},\\s*)?\\d{4}\\b"
                + "|\"FCDS-\\d{4}");
    List<String> found = new ArrayList<>();
    for (Path f : SourceImports.mainSources()) {
      Matcher m = bare.matcher(Files.readString(f));
      while (m.find()) {
        found.add(f + ": " + m.group());
      }
    }
    assertEquals(List.of(), found, "use an ErrorCode constant");
  }

  @Test
  void theArchitectureDocumentListsEveryCodeAsTheEnumPrintsIt() throws IOException {
    String doc = Files.readString(Path.of("docs/ARCHITECTURE.md"));

    assertTrue(
        doc.contains(ErrorCode.markdownTable()),
        "docs/ARCHITECTURE.md Appendix A differs from ErrorCode.markdownTable(): regenerate it");
  }

  @Test
  void theMarkdownTableHasOneRowPerCode() {
    String table = ErrorCode.markdownTable();
    assertEquals(ErrorCode.values().length + 2, table.lines().count());
    assertTrue(
        table.contains(
            "| FCDS-3006 | 412 | `FHIR_SERVER_MISSING` | the hook names no fhirServer and"
                + " fhir.base-url is not set: the prefetch cannot be completed |"),
        table);
  }

  @Test
  void anExceptionMessageStartsWithItsCode() {
    FcdsException e = new FcdsException(ErrorCode.SERIES_WITHOUT_INSTANCES, "series — 1.2.3");
    assertEquals("FCDS-2313: series — 1.2.3", e.getMessage());
    assertEquals(2313, e.code());
    assertEquals("FCDS-2313", e.codeText());
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md"));
  }

  private static List<Path> packageInfos() throws IOException {
    return SourceImports.mainSources().stream()
        .filter(p -> p.getFileName().toString().equals("package-info.java"))
        .toList();
  }

  /** The {@code <li>FCDS-NNNN (status) meaning} rows, Javadoc continuation lines joined. */
  static List<Row> tableRows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Path f : packageInfos()) {
      String text = Files.readString(f).replaceAll("(?m)^\\s*\\*\\s?", " ");
      for (String item : text.split("<li>")) {
        String one = item.split("</ul>|<li>|\\*/")[0].trim().replaceAll("\\s+", " ");
        Matcher m = ITEM.matcher(one);
        if (m.matches()) {
          String meaning =
              m.group(3).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
          rows.add(new Row(f, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), meaning));
        }
      }
    }
    return rows;
  }
}
