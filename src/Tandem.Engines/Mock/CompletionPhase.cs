namespace Tandem.Engines.Mock;

/// <summary>
/// Which part of a request an engine runs, chosen by the request's <c>kv_transfer_params</c> as in vLLM's
/// disaggregated serving: both phases, prefill only (<c>do_remote_decode</c>), or decode only after pulling the KV
/// from a prefill instance (<c>do_remote_prefill</c>).
/// </summary>
public enum CompletionPhase
{
    Full,
    PrefillOnly,
    DecodeOnly,
}
