package io.goldgate.sharing.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of a list call; {@code nextPageToken} is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String nextPageToken) {}
