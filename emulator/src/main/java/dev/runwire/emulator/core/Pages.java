package dev.runwire.emulator.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** List paging: an opaque page token holding the offset of the next item. */
public final class Pages {

  private Pages() {}

  /** One page of {@code items} and the token of the next ("" on the last page). */
  public record Page<T>(List<T> items, String nextPageToken) {}

  public static <T> Page<T> of(List<T> items, int pageSize, String pageToken, int maxPageSize) {
    if (pageSize < 0) {
      throw ApiException.invalidArgument("pageSize", "must not be negative");
    }
    int size = pageSize == 0 ? maxPageSize : Math.min(pageSize, maxPageSize);
    int from = 0;
    if (pageToken != null && !pageToken.isEmpty()) {
      try {
        String decoded =
            new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
        from = Integer.parseInt(decoded.substring("offset:".length()));
      } catch (RuntimeException e) {
        throw ApiException.invalidArgument(
            "pageToken", "'" + pageToken + "' is not a token this list returned");
      }
    }
    int to = Math.min(items.size(), from + size);
    String next =
        to < items.size()
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("offset:" + to).getBytes(StandardCharsets.UTF_8))
            : "";
    return new Page<>(items.subList(Math.min(from, items.size()), to), next);
  }
}
