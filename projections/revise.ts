/** The state with the patch applied, or the state itself when the patch changes nothing (cheap duplicate detection). */
export const revise = <S extends object>(state: S, patch: Partial<S>): S => {
  for (const field in patch) if (patch[field] !== state[field]) return { ...state, ...patch };
  return state;
};
