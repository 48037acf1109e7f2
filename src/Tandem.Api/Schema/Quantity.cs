namespace Tandem.Api.Schema;

/// <summary>The text form of a Kubernetes resource quantity (<c>500m</c>, <c>4</c>, <c>32Gi</c>, <c>1e3</c>), as the apiserver's own schema for it.</summary>
public static class Quantity
{
    /// <summary>The schema pattern: a signed decimal with a binary (Ki..Ei) or decimal (n..E) suffix or an exponent.</summary>
    public const string Pattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /// <summary>The form in plain words, for error messages.</summary>
    public const string Form = "a Kubernetes quantity such as 500m, 4 or 32Gi";
}
