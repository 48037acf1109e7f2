using System.Text.Json.Nodes;
using Tandem.Runtime.Helpers;

namespace Tandem.Runtime.Tests.Resources;

public class JsonSubsetTests
{
    [Theory]
    [InlineData("""{"spec":{"ports":[{"port":80}]}}""", """{"spec":{"ports":[{"port":80,"protocol":"TCP"}],"clusterIP":"10.0.0.1"}}""")]
    [InlineData("""{"a":1.0}""", """{"a":1}""")]
    [InlineData("""{"a":null}""", """{}""")]
    [InlineData("""{"publishNotReadyAddresses":false,"labels":{},"finalizers":[],"name":""}""", """{}""")]
    public void Fields_the_server_added_or_omitted_as_zero_do_not_count_as_a_change(string part, string whole) =>
        Assert.True(JsonSubset.Contains(JsonNode.Parse(whole), JsonNode.Parse(part)));

    [Theory]
    [InlineData("""{"spec":{"ports":[{"port":80}]}}""", """{"spec":{"ports":[{"port":80},{"port":81}]}}""")]
    [InlineData("""{"spec":{"ports":[{"port":80}]}}""", """{"spec":{"ports":[{"port":8080}]}}""")]
    [InlineData("""{"labels":{"a":"b"}}""", """{"labels":{"a":"c"}}""")]
    [InlineData("""{"replicas":2}""", """{}""")]
    [InlineData("""{"flag":true}""", """{"flag":"true"}""")]
    public void A_field_the_controller_sets_that_differs_or_a_removed_list_entry_is_a_change(string part, string whole) =>
        Assert.False(JsonSubset.Contains(JsonNode.Parse(whole), JsonNode.Parse(part)));
}
