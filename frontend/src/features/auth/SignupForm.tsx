import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button, FormError, TextField } from '@/components/ui';
import { formErrors } from '@/lib/problem';
import { loginPath } from '@/lib/redirect';

import { useSignup } from './hooks';

const FIELDS = ['name', 'email', 'password', 'organization_name'] as const;

interface SignupFormProps {
  next: string;
  /** Pre-filled from an invitation, so the account matches the invited address. */
  defaultEmail?: string;
  /** Joining through an invitation: the person gets the inviter's workspace, so no name is asked for. */
  askWorkspaceName?: boolean;
}

export function SignupForm({ next, defaultEmail = '', askWorkspaceName = true }: SignupFormProps) {
  const navigate = useNavigate();
  const signup = useSignup();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const [organizationName, setOrganizationName] = useState('');
  const errors = formErrors(signup.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const workspace = organizationName.trim();
    signup.mutate(
      {
        body: {
          name: name.trim(),
          email: email.trim(),
          password,
          ...(askWorkspaceName && workspace ? { organization_name: workspace } : {}),
        },
      },
      { onSuccess: () => void navigate(next, { replace: true }) },
    );
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <fieldset className="form-fieldset" disabled={signup.isPending}>
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
        />
        <TextField
          label="Work email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.fields.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={errors.fields.password}
          hint="At least 10 characters, and not one you use elsewhere."
        />
        {askWorkspaceName && (
          <TextField
            label="Workspace name (optional)"
            name="organization_name"
            autoComplete="organization"
            value={organizationName}
            onChange={(event) => setOrganizationName(event.target.value)}
            error={errors.fields.organization_name}
            hint="Usually your store or brand. You can change it later."
          />
        )}
        <FormError message={errors.general} />
        <Button type="submit" variant="primary" className="btn--block" loading={signup.isPending}>
          Create account
        </Button>
      </fieldset>
      <p className="form-footnote">
        Already have an account? <Link to={loginPath(next)}>Log in</Link>
      </p>
    </form>
  );
}
