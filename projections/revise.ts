/** The state with the patch applied, or the state itself when the patch changes nothing (cheap duplicate detection). */
export const revise = <S extends object>(state: S, patch: Partial<S>): S =>
  (Object.keys(patch) as (keyof S)[]).every((field) => patch[field] === state[field]) ? state : { ...state, ...patch };
