package io.goldgate.console;

import io.goldgate.GoldgateException;
import io.goldgate.http.RoutePaths;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /console/assets/{file}}: the console's script, style sheet and images, from {@code
 * console/assets/} on the class path, public (they hold no data). Only plain file names with a known
 * extension are looked up, so no request reaches any other resource. Files are read once and kept:
 * there are a handful, fixed at build time.
 */
@Path(RoutePaths.CONSOLE + "/assets")
public class ConsoleAssets {

  static final String DIR = "console/assets/";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.[a-z0-9]{1,5}");
  private static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript;charset=UTF-8",
      "css", "text/css;charset=UTF-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "ico", "image/x-icon");

  private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

  @GET
  @Path("{file}")
  public Response asset(@PathParam("file") String file) {
    String name = file.toLowerCase(Locale.ROOT).equals(file) ? file : "";
    String type = NAME.matcher(name).matches() ? TYPES.get(name.substring(name.lastIndexOf('.') + 1)) : null;
    byte[] body = type == null ? null : loaded.computeIfAbsent(name, ConsoleAssets::read);
    if (body == null) {
      throw GoldgateException.notFound("No such console asset");
    }
    // Revalidated on every use, so a new gateway version's script is never mixed with an old page.
    return Response.ok(body, type).header("Cache-Control", "no-cache").build();
  }

  /** The file's bytes, or null when there is no such asset (then nothing is kept). */
  private static byte[] read(String name) {
    try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(DIR + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the console asset " + name, e);
    }
  }
}
