package at.telco.hub.mapping;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import java.io.FileNotFoundException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * The canonical schemas and the mappings of {@code transformers/} ({@code
 * hub.transformers.location}, the jar's copies by default), with the hub's mapping functions. Each
 * flow's area registers the transformers its routes use ({@link HubTransformers}).
 *
 * <p>Binds {@code canonicalSchemas}, {@code mappings}.
 */
public class MappingConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    bind("canonicalSchemas", new CanonicalSchemas());
    Languages languages = Languages.parse(settings.get(HubSettings.MAPPING_LANGUAGE_LOCALES));
    String location = settings.get(HubSettings.TRANSFORMERS_LOCATION);
    Mappings mappings =
        bind(
            "mappings",
            new Mappings(
                name -> {
                  Resource r =
                      PluginHelper.getResourceLoader(context)
                          .resolveResource(location + "/" + name + ".jslt");
                  if (r == null || !r.exists()) {
                    throw new FileNotFoundException(location + "/" + name + ".jslt");
                  }
                  return new InputStreamReader(r.getInputStream(), StandardCharsets.UTF_8);
                },
                MappingFunctions.all(languages)));
    if (settings.get(HubSettings.DEV)) {
      if (location.startsWith("file:")) {
        context.addService(
            new MappingReloader(mappings, java.nio.file.Path.of(location.substring(5))),
            true,
            true);
      } else {
        org.slf4j.LoggerFactory.getLogger(MappingConfiguration.class)
            .warn(
                "development mode: mappings are reloaded only from a directory"
                    + " (hub.transformers.location=file:...), not from {}",
                location);
      }
    }
  }
}
