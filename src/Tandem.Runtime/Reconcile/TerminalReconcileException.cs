namespace Tandem.Runtime;

/// <summary>A reconcile error that retrying cannot fix (e.g. an invalid spec): logged and counted, never requeued.</summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException(string message) : base(message) { }

    public TerminalReconcileException(string message, Exception inner) : base(message, inner) { }
}
