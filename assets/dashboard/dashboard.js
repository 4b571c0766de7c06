// The dashboard page: fetches /api/dashboard for the chosen period and draws it with Chart.js.
// Everything from the API is written with textContent, never as HTML.
(() => {
  const TOKEN_KEY = 'mcp-prod-dashboard-token';
  const COLORS = ['#1d4ed8', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#9333ea'];
  const charts = {};
  let period = { days: 7 };

  const $ = (id) => document.getElementById(id);
  const nanoToUsd = (nano) => Number(nano) / 1e9;
  const usd = (text, decimals = 6) => {
    const [whole, fraction = ''] = text.split('.');
    return `$${whole}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
  };
  const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`;
  const dollars = (n) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
  const ms = (p) => (p.above ? `> ${p.ms} ms` : `${p.ms} ms`);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  /** Fills `table` with a header row and body rows; cells are strings, numeric columns right-aligned. */
  function fillTable(table, header, rows, numeric = []) {
    table.replaceChildren();
    const head = el('tr');
    header.forEach((title, i) => {
      head.append(el('th', title, numeric.includes(i) ? 'num' : undefined));
    });
    table.append(el('thead'));
    table.tHead.append(head);
    const body = el('tbody');
    for (const row of rows) {
      const tr = el('tr');
      row.forEach((cell, i) => {
        tr.append(el('td', cell, numeric.includes(i) ? 'num' : undefined));
      });
      body.append(tr);
    }
    table.append(body);
  }

  function drawBars(id, labels, datasets, options = {}) {
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: options.horizontal ? 'y' : 'x',
        plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
        scales: { x: { stacked: true }, y: { stacked: true } },
      },
    });
  }

  function stackedByTool(stacks, matrix) {
    return stacks.tools.map((tool, i) => ({ label: tool, data: matrix[tool].map(nanoToUsd), backgroundColor: COLORS[i % COLORS.length] }));
  }

  function renderTotals(data) {
    const totals = data.costs.byTool.totals;
    $('total-cost').textContent = usd(totals.totalUsd);
    $('total-calls').textContent = String(totals.calls);
    $('total-errors').textContent = `${totals.errors} (${percent(totals.calls ? totals.errors / totals.calls : 0)})`;
    $('total-replays').textContent = String(totals.replays);
    $('total-unpriced').textContent = String(totals.unpricedItems);
    $('total-unpriced').className = totals.unpricedItems > 0 ? 'warn' : '';
  }

  function renderCosts(data) {
    const { stacks, costs } = data;
    drawBars('chart-days', stacks.days, stackedByTool(stacks, stacks.byDay));
    drawBars('chart-users', stacks.users, stackedByTool(stacks, stacks.byUser), { horizontal: true });
    const byTool = costs.byTool.groups;
    drawBars(
      'chart-tools',
      byTool.map((g) => g.tool),
      [
        { label: 'LLM', data: byTool.map((g) => Number(g.llmUsd)), backgroundColor: COLORS[0] },
        { label: 'External', data: byTool.map((g) => Number(g.externalUsd)), backgroundColor: COLORS[2] },
      ],
    );
    const costRow = (key, g) => [key, String(g.calls), usd(g.totalUsd), usd(g.perCallUsd), percent(g.share ?? 1)];
    fillTable(
      $('tools-cost'),
      ['Tool', 'Calls', 'Total', 'Per call', 'Share'],
      byTool.map((g) => costRow(g.tool, g)),
      [1, 2, 3, 4],
    );
    fillTable(
      $('users-cost'),
      ['User', 'Calls', 'Total', 'Per call', 'Share'],
      costs.byUser.groups.map((g) => costRow(g.user, g)),
      [1, 2, 3, 4],
    );
  }

  function renderHealth(data) {
    const codes = (t) => {
      if (t.errors === 0) return '';
      if (!t.errorCodes) return 'not recorded';
      return Object.entries(t.errorCodes)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ×${n}`)
        .join(', ');
    };
    const latency = (t, key) => (t.latency ? ms(t.latency[key]) : 'not recorded');
    const rows = data.tools.map((t) => [
      t.tool,
      String(t.calls),
      String(t.errors),
      percent(t.errorRate),
      codes(t),
      String(t.replays),
      String(t.unpricedItems),
      latency(t, 'p50'),
      latency(t, 'p95'),
      latency(t, 'p99'),
    ]);
    fillTable(
      $('tools-health'),
      ['Tool', 'Calls', 'Errors', 'Error rate', 'Error codes', 'Replays', 'Unpriced', 'p50', 'p95', 'p99'],
      rows,
      [1, 2, 3, 5, 6, 7, 8, 9],
    );
    $('latency-note').textContent = data.latencyBoundsMs
      ? `Percentiles are estimated from the latency histogram (bucket bounds ${data.latencyBoundsMs.join(', ')} ms), interpolated inside a bucket.`
      : 'Latency is not recorded by this project (its src/admin.ts has no latencyBoundsMs).';
  }

  function renderBudgets(data) {
    const box = $('budgets');
    box.replaceChildren();
    if (!data.budgets) {
      box.append(el('p', 'Budgets: not recorded (this project\u2019s src/admin.ts reports no budgets).', 'muted'));
      return;
    }
    if (data.budgets.error) {
      box.append(el('p', data.budgets.error, 'bad'));
      return;
    }
    const { settings, standing } = data.budgets;
    const limit = (budget, rate) => `daily budget ${budget === null ? 'none' : dollars(budget)}, rate limit ${rate ?? 'none'}`;
    box.append(el('p', `Defaults: ${limit(settings.dailyBudgetUsd, settings.rateLimit)}.`, 'muted'));
    for (const [tool, s] of Object.entries(settings.tools)) {
      box.append(
        el('p', `${tool}: ${limit(s.dailyBudgetUsd, s.rateLimit)}, max cost per call ${s.maxCostUsd === null ? 'none' : dollars(s.maxCostUsd)}.`, 'muted'),
      );
    }
    if (standing.length === 0) {
      box.append(el('p', 'No principal has spent against a budget today.', 'muted'));
      return;
    }
    const table = el('table');
    table.id = 'budgets-table';
    fillTable(
      table,
      ['Principal', 'Tool', 'Limit', 'Spent', 'Remaining', 'Used'],
      standing.map((b) => [
        b.principalId,
        b.tool ?? 'all tools',
        dollars(b.budgetUsd),
        dollars(b.committedUsd),
        dollars(b.remainingUsd),
        percent(b.budgetUsd ? b.committedUsd / b.budgetUsd : 1),
      ]),
      [2, 3, 4, 5],
    );
    box.append(table);
  }

  function renderDeprecations(data) {
    const box = $('deprecations');
    box.replaceChildren();
    if (data.deprecations.error) box.append(el('p', `The tool contracts could not be read: ${data.deprecations.error}`, 'bad'));
    if (data.deprecations.tools.length === 0) {
      if (!data.deprecations.error) box.append(el('p', 'No tool is deprecated.', 'muted'));
      return;
    }
    const rows = [];
    for (const d of data.deprecations.tools) {
      const when =
        d.phase === 'announced' || d.phase === 'deprecated'
          ? `refused in ${d.daysToRefuse} day(s), from ${d.refuseAfter}`
          : d.phase === 'refused'
            ? `refused since ${d.refuseAfter}; removable from ${d.removeAfter}`
            : `removable since ${d.removeAfter}`;
      const callers = d.callers.length === 0 ? [{ principalId: 'nobody in this period', calls: 0, lastDay: '' }] : d.callers;
      for (const c of callers) rows.push([d.tool, d.replacement, d.phase, when, c.principalId, c.calls ? String(c.calls) : '', c.lastDay]);
    }
    const table = el('table');
    table.id = 'deprecations-table';
    fillTable(table, ['Tool', 'Use instead', 'Phase', 'Refuse date', 'Caller', 'Calls', 'Last call'], rows, [5]);
    box.append(table);
  }

  function render(data) {
    $('project').textContent = data.project;
    const p = data.period;
    $('period-label').textContent = `${p.days ? `Last ${p.days} days` : 'From'} ${p.from} to ${p.to} (UTC days, both included).`;
    $('from').value = p.from;
    $('to').value = p.to;
    for (const button of document.querySelectorAll('[data-days]')) button.setAttribute('aria-pressed', String(Number(button.dataset.days) === p.days));
    renderTotals(data);
    renderCosts(data);
    renderHealth(data);
    renderBudgets(data);
    renderDeprecations(data);
    if (data.costs.byTool.totals.calls === 0) $('status').textContent = 'No calls recorded in this period.';
  }

  async function load() {
    const query = new URLSearchParams(period.days ? { days: String(period.days) } : { from: period.from, to: period.to });
    const token = sessionStorage.getItem(TOKEN_KEY);
    $('status').textContent = 'Loading…';
    let response;
    try {
      response = await fetch(`/api/dashboard?${query}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    } catch (error) {
      $('status').textContent = `The dashboard server cannot be reached (${error.message}); is mcp-prod dashboard still running?`;
      return;
    }
    const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      $('auth-message').textContent = body.error;
      $('auth-form').hidden = false;
      $('content').hidden = true;
      $('status').textContent = '';
      return;
    }
    if (!response.ok) {
      $('status').textContent = body.error ?? `HTTP ${response.status}`;
      return;
    }
    $('auth-form').hidden = true;
    $('status').textContent = '';
    $('content').hidden = false;
    render(body);
  }

  document.addEventListener('DOMContentLoaded', () => {
    for (const button of document.querySelectorAll('[data-days]')) {
      button.addEventListener('click', () => {
        period = { days: Number(button.dataset.days) };
        void load();
      });
    }
    $('period-form').addEventListener('submit', (event) => {
      event.preventDefault();
      period = { from: $('from').value, to: $('to').value };
      void load();
    });
    $('auth-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      void load();
    });
    void load();
  });
})();
