package dev.runwire.job.cloud;

import com.google.api.gax.httpjson.ApiMethodDescriptor;
import com.google.api.gax.httpjson.HttpJsonCallSettings;
import com.google.api.gax.httpjson.HttpJsonCallableFactory;
import com.google.api.gax.httpjson.ProtoMessageRequestFormatter;
import com.google.api.gax.httpjson.ProtoMessageResponseParser;
import com.google.api.gax.httpjson.ProtoRestSerializer;
import com.google.api.gax.rpc.ClientContext;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.cloud.vpcaccess.v1.Connector;
import com.google.cloud.vpcaccess.v1.OperationMetadata;
import com.google.longrunning.Operation;
import com.google.protobuf.TypeRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serverless VPC Access's connector PATCH, which the Java client lacks: the REST API takes {@code
 * PATCH /v1/{connector.name}?updateMask=} for machineType, minInstances and maxInstances (the
 * Terraform provider's mmv1/products/vpcaccess/Connector.yaml: update_verb PATCH, update_mask). It
 * goes through gax's HttpJson transport on a {@link ClientContext} made from the same settings as
 * the VPC Access client (endpoint, credentials, one attempt per call), so there is one HTTP stack
 * and one retry layer. Returns the long-running operation; poll it with the client's operations
 * client.
 */
public final class ConnectorUpdates implements AutoCloseable {

  private static final TypeRegistry TYPES =
      TypeRegistry.newBuilder()
          .add(Connector.getDescriptor())
          .add(OperationMetadata.getDescriptor())
          .build();

  private final ClientContext context;
  private final UnaryCallSettings<Connector, Operation> call;

  ConnectorUpdates(ClientContext context, UnaryCallSettings<Connector, Operation> call) {
    this.context = context;
    this.call = call;
  }

  /** Starts the PATCH of {@code connector.name} with the fields in {@code updateMask}. */
  public Operation update(Connector connector, List<String> updateMask) {
    return HttpJsonCallableFactory.createUnaryCallable(
            HttpJsonCallSettings.<Connector, Operation>newBuilder()
                .setMethodDescriptor(patch(String.join(",", updateMask)))
                .setTypeRegistry(TYPES)
                .build(),
            call,
            context)
        .call(connector);
  }

  private static ApiMethodDescriptor<Connector, Operation> patch(String updateMask) {
    return ApiMethodDescriptor.<Connector, Operation>newBuilder()
        .setFullMethodName("google.cloud.vpcaccess.v1.VpcAccessService/UpdateConnector")
        .setHttpMethod("PATCH")
        .setType(ApiMethodDescriptor.MethodType.UNARY)
        .setRequestFormatter(
            ProtoMessageRequestFormatter.<Connector>newBuilder()
                .setPath(
                    "/v1/{name=projects/*/locations/*/connectors/*}",
                    request -> {
                      Map<String, String> fields = new HashMap<>();
                      ProtoRestSerializer.<Connector>create()
                          .putPathParam(fields, "name", request.getName());
                      return fields;
                    })
                .setQueryParamsExtractor(
                    request -> {
                      Map<String, List<String>> fields = new HashMap<>();
                      ProtoRestSerializer<Connector> serializer = ProtoRestSerializer.create();
                      serializer.putQueryParam(fields, "updateMask", updateMask);
                      serializer.putQueryParam(fields, "$alt", "json;enum-encoding=int");
                      return fields;
                    })
                .setRequestBodyExtractor(
                    request ->
                        ProtoRestSerializer.<Connector>create()
                            .toBody("connector", request.toBuilder().clearName().build(), false))
                .build())
        .setResponseParser(
            ProtoMessageResponseParser.<Operation>newBuilder()
                .setDefaultInstance(Operation.getDefaultInstance())
                .setDefaultTypeRegistry(TYPES)
                .build())
        .build();
  }

  @Override
  public void close() throws Exception {
    for (var resource : context.getBackgroundResources()) {
      resource.shutdown();
    }
  }
}
