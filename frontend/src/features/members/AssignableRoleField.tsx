import { SelectField } from '@/components/ui';
import { useSession } from '@/features/auth/session';
import { assignableRoles, roleLabel, type RoleName } from '@/lib/roles';

interface AssignableRoleFieldProps {
  label: string;
  value: RoleName;
  onChange: (role: RoleName) => void;
  error?: string;
}

/** A role picker offering only the roles the signed-in person may hand out (never above their own). */
export function AssignableRoleField({ label, value, onChange, error }: AssignableRoleFieldProps) {
  const { role: myRole } = useSession();
  return (
    <SelectField
      label={label}
      name="role"
      value={value}
      onChange={(event) => onChange(event.target.value as RoleName)}
      error={error}
    >
      {assignableRoles(myRole).map((option) => (
        <option key={option} value={option}>
          {roleLabel(option)}
        </option>
      ))}
    </SelectField>
  );
}
