package dev.runwire.schemas.validation;

import com.google.gson.JsonElement;
import dev.runwire.schemas.MessageCodec;
import dev.runwire.schemas.MessageSchemas;
import dev.runwire.schemas.ProvisioningRequest;
import dev.runwire.schemas.events.RejectedEvent.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a provisioning request may run. Three stages, every problem of every stage
 * reported at once:
 *
 * <ol>
 *   <li>reading: size cap (64 KiB), UTF-8, strict JSON, nesting depth, duplicate keys, huge numbers
 *       ({@link StrictJsonReader});
 *   <li>the JSON Schema {@code provisioning-request.schema.json}, the single source of truth for
 *       structure ({@link MessageSchemas});
 *   <li>semantic rules a schema cannot express (CIDR math, cross-field rules), run only on the
 *       parts the schema accepted.
 * </ol>
 *
 * <p>Thread-safe; never throws.
 */
public final class RequestValidator {

  private static final RequestValidator STANDARD =
      new RequestValidator(
          MessageSchemas.standard(),
          List.of(
              new ServiceRules(),
              new RedisRules(),
              new ConnectorSizeRules(),
              new StaticEgressIpRules(),
              new IpRangeRules()));

  private final MessageSchemas schemas;
  private final List<RequestRule> rules;

  private RequestValidator(MessageSchemas schemas, List<RequestRule> rules) {
    this.schemas = schemas;
    this.rules = rules;
  }

  /** The validator the function and the job use. */
  public static RequestValidator standard() {
    return STANDARD;
  }

  /** Validates a UTF-8 encoded request, e.g. a Pub/Sub message's data. */
  public ValidationResult validate(byte[] rawUtf8Json) {
    try {
      return validateBytes(rawUtf8Json);
    } catch (RuntimeException | StackOverflowError e) {
      // Defence in depth: no input may escape as an exception. Reaching this is a bug in runwire.
      return ValidationResult.rejected(
          List.of(
              new Problem(
                  "",
                  "the validator could not process this request ("
                      + e.getClass().getSimpleName()
                      + "); please report it")),
          null);
    }
  }

  /** Validates a request given as text (e.g. the job's {@code RUNWIRE_REQUEST}). */
  public ValidationResult validate(String json) {
    if (json == null) {
      return validate((byte[]) null);
    }
    if (json.length() > StrictJsonReader.MAX_BYTES) {
      // Every char is at least one UTF-8 byte: too large without encoding it.
      return ValidationResult.rejected(
          List.of(new Problem("", StrictJsonReader.tooLarge(json.length() + " characters"))), null);
    }
    try {
      ByteBuffer bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(json));
      byte[] raw = new byte[bytes.remaining()];
      bytes.get(raw);
      return validate(raw);
    } catch (CharacterCodingException e) {
      return ValidationResult.rejected(
          List.of(
              new Problem(
                  "", "the request contains an unpaired surrogate; it is not valid Unicode text")),
          null);
    }
  }

  private ValidationResult validateBytes(byte[] raw) {
    StrictJsonReader.Outcome read = StrictJsonReader.read(raw);
    if (read.tree() == null) {
      return ValidationResult.rejected(read.problems(), read.requestId());
    }
    JsonElement tree = read.tree();
    List<Problem> problems = new ArrayList<>(read.problems());
    for (Problem problem : schemas.check(MessageSchemas.PROVISIONING_REQUEST, tree)) {
      if (!coveredBy(problem, read.problems())) {
        problems.add(problem);
      }
    }
    if (tree.isJsonObject()) {
      RequestView view = new RequestView(tree.getAsJsonObject(), problems);
      Problems semantic = new Problems();
      for (RequestRule rule : rules) {
        rule.check(view, semantic);
      }
      problems.addAll(semantic.list());
    }
    if (!problems.isEmpty()) {
      return ValidationResult.rejected(problems, read.requestId());
    }
    ProvisioningRequest request;
    try {
      request = MessageCodec.fromTree(tree, ProvisioningRequest.class);
    } catch (RuntimeException e) {
      // The schema admits only what the records can hold; reaching this means the two disagree.
      return ValidationResult.rejected(
          List.of(new Problem("", "the request passed the schema but could not be read: " + e)),
          read.requestId());
    }
    return ValidationResult.accepted(request);
  }

  /** A schema problem at a place the reader already reported (a huge number read as null). */
  private static boolean coveredBy(Problem problem, List<Problem> readProblems) {
    for (Problem earlier : readProblems) {
      if (problem.pointer().equals(earlier.pointer())) {
        return true;
      }
    }
    return false;
  }
}
