namespace StaticNet;

/// <summary>
/// An optimizer whose state can be saved and restored, so that an interrupted training resumes bit for bit.
/// All built-in optimizers implement it; test for it with <c>optimizer is IStatefulOptimizer</c>.
/// </summary>
/// <remarks>
/// It is a separate interface rather than members of <see cref="IOptimizer"/> so that external optimizers keep
/// compiling and callers can tell whether saving is supported.
/// </remarks>
public interface IStatefulOptimizer : IOptimizer
{
    /// <summary>A copy of the current state (step count, learning rate, buffers); later steps do not change it.</summary>
    OptimizerState GetState();

    /// <summary>Replaces the state with a copy of <paramref name="state"/>, which must come from an optimizer of the same
    /// type and configuration (the same buffers).</summary>
    /// <exception cref="ArgumentException">The state belongs to another optimizer type or configuration, or its buffers differ in length.</exception>
    void SetState(OptimizerState state);
}
